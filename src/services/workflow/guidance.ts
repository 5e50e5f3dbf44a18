import { guidance, mayCompel, requiredChannel } from '../../domain/compel.ts';
import { motionToQuashDueAt, responseDueAt } from '../../domain/deadlines.ts';
import { dueItems } from '../../domain/due.ts';
import { noticeDecision } from '../../domain/notice-policy.ts';
import { CandorError } from '../../errors.ts';
import { findRequest } from '../../repositories/requests-repository.ts';
import { findWorkflowRecords, snapshotParts } from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { assertSeesRequest } from '../sight.ts';
import { presentDue, snapshotsFrom } from '../due.ts';
import { presentNdoStanding } from '../presenters.ts';
import { emergencyProblems, gateStored } from './guards.ts';
import { type WorkflowContext } from './context.ts';

/** What the policy engine says about a request, for the request page and `candor request guidance`. */
export function guidanceActions(ctx: WorkflowContext) {
  const { db, clock, policy } = ctx;
  return {
    /** What the policy engine says about a request: tier, channel, emergency readiness, deadlines, notice. */
    async guidance(actor: Actor, id: number) {
      authorize(actor, 'request.read');
      await assertSeesRequest(db, actor, id);
      const b = await findRequest(db, id);
      if (!b) throw new CandorError('not_found', `request ${id} does not exist`);
      const w = await findWorkflowRecords(db, id);
      const now = clock();
      const r = b.request;
      const [snapshot] = snapshotsFrom(await snapshotParts(db, id));
      const notice = noticeDecision({ ...snapshot!, now, policy });
      const channel = requiredChannel(
        { country: b.agency.country, dataSought: r.data_sought, receivedAt: r.received_at },
        policy,
      );
      // What the gate would say if everything sought were produced now.
      const sought = gateStored(b, w, now, policy, {
        produced: r.data_sought,
        outcome: r.data_sought.includes('content') ? 'content_produced' : 'non_content_produced',
      });
      const due = responseDueAt(
        {
          processType: r.process_type,
          channel: r.channel,
          emergency: r.emergency,
          receivedAt: r.received_at,
        },
        policy,
      );
      return {
        request_id: id,
        at: now.toISOString(),
        may_compel: mayCompel(r.process_type, policy),
        guidance: guidance(r.process_type, policy),
        channel: {
          required: channel.channels,
          current: r.channel,
          ok: channel.channels.includes(r.channel),
          reason: channel.reason,
        },
        data_sought_check: {
          beyond: [...new Set(sought.flatMap((x) => x.beyond ?? []))],
          refusals: sought.map((x) => ({ field: x.field, rule: x.rule, kind: x.kind, message: x.message })),
          barred: sought.some((x) => x.kind === 'bar'),
        },
        emergency: r.emergency
          ? { problems: emergencyProblems(b, w), ready: emergencyProblems(b, w).length === 0 }
          : null,
        response_due_at: due?.toISOString() ?? null,
        motion_to_quash_due_at:
          motionToQuashDueAt(
            {
              processType: r.process_type,
              channel: r.channel,
              emergency: r.emergency,
              dataSought: r.data_sought,
              targetUsPerson: r.target_us_person,
              receivedAt: r.received_at,
            },
            policy,
          )?.toISOString() ?? null,
        notice: {
          status: notice.status,
          reason: notice.reason,
          due_at: notice.dueAt?.toISOString() ?? null,
          kind: notice.kind ?? null,
        },
        ndos: b.ndos.map((n) => presentNdoStanding(n, r.received_at, now, policy)),
        due: snapshot ? dueItems(snapshot, now, policy).map((i) => presentDue(i, now)) : [],
      };
    },
  };
}
