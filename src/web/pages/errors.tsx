import type { Html } from '../../html/jsx-runtime.ts';
import { Layout, type PageContext } from '../layout.tsx';

const TITLES: Record<number, string> = {
  400: 'That did not work',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Changed meanwhile',
  413: 'Too large',
  500: 'Something went wrong',
};

/** The page for a refused or failed request: says what happened and where to go next. */
export function ErrorPage(props: { ctx: PageContext; status: number; message: string }): Html {
  const title = TITLES[props.status] ?? 'Error';
  return (
    <Layout ctx={props.ctx} title={title} narrow>
      <div class="card error-page">
        <p class="eyebrow">Error {props.status}</p>
        <h1>{title}</h1>
        <p>{props.message}</p>
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </div>
    </Layout>
  );
}
