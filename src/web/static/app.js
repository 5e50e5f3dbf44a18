// Progressive enhancement only: every page works without this file.
// 1. Buttons with data-confirm ask before submitting their form.
// 2. The agency field of the intake form suggests known agencies and fills in their kind, level and country.
// 3. Upload forms take a dropped file.
// 4. The report desk's contents become tabs: one section of the draft at a time, without a reload.
document.addEventListener('submit', (event) => {
  const button = event.submitter;
  const message = button && button.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});

const agencyInput = document.getElementById('f-agency-name');
const agencyList = document.getElementById('agency-options');
if (agencyInput && agencyList) {
  let known = [];
  let timer;
  const setField = (id, value) => {
    const el = document.getElementById(id);
    if (el && value) el.value = value;
  };
  agencyInput.addEventListener('input', () => {
    clearTimeout(timer);
    const q = agencyInput.value.trim();
    const match = known.find((a) => a.name === q);
    if (match) {
      setField('f-agency-kind', match.kind);
      setField('f-agency-level', match.level);
      setField('f-agency-country', match.country);
      setField('f-agency-subdivision', match.subdivision);
      return;
    }
    if (q.length < 2) return;
    timer = setTimeout(async () => {
      const res = await fetch(`/web/agencies?q=${encodeURIComponent(q)}`, { credentials: 'same-origin' });
      if (!res.ok) return;
      known = await res.json();
      agencyList.replaceChildren(
        ...known.map((a) => {
          const option = document.createElement('option');
          option.value = a.name;
          option.label = `${a.subdivision || a.country} · ${a.level}`;
          return option;
        }),
      );
    }, 150);
  });
}

// 3. Upload forms accept a file dropped onto them (the file field works the same without this).
for (const zone of document.querySelectorAll('[data-dropzone]')) {
  const input = zone.querySelector('input[type=file]');
  if (!input) continue;
  const over = (on) => zone.classList.toggle('dragging', on);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    over(true);
  });
  zone.addEventListener('dragleave', () => over(false));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    over(false);
    if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
    input.files = e.dataTransfer.files;
    zone.requestSubmit();
  });
}

// 4. The report desk: the server shows one section of the draft, chosen by the contents' links (?section=),
// which work without this. Here those links become tabs (WAI-ARIA tabs pattern, vertical: arrow keys, Home,
// End) that switch sections in place and keep the address in step, so a reload shows the same section.
const tabList = document.querySelector('[data-tabs]');
const tabs = tabList ? [...tabList.querySelectorAll('a[data-panel]')] : [];
const panels = tabs.map((tab) => document.getElementById(tab.getAttribute('data-panel')));
// Only when exactly one section shows: "All sections on one page" stays a plain long page.
if (tabs.length > 0 && panels.every(Boolean) && panels.filter((p) => !p.hidden).length === 1) {
  const select = (index, focus, remember = true) => {
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
    });
    if (focus) tabs[index].focus();
    if (remember) window.history.replaceState(null, '', tabs[index].href.split('#')[0]);
  };
  tabList.setAttribute('role', 'tablist');
  tabList.setAttribute('aria-orientation', 'vertical');
  tabs.forEach((tab, i) => {
    tab.parentElement.setAttribute('role', 'presentation');
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', panels[i].id);
    tab.removeAttribute('aria-current');
    panels[i].setAttribute('role', 'tabpanel');
    panels[i].setAttribute('aria-labelledby', tab.id);
    panels[i].tabIndex = 0;
    tab.addEventListener('click', (event) => {
      event.preventDefault();
      select(i, false);
      // Bring the section into view when it starts off screen (a phone, or a desk scrolled far down).
      const top = panels[i].getBoundingClientRect().top;
      if (top < 0 || top > window.innerHeight * 0.8) panels[i].scrollIntoView();
    });
    tab.addEventListener('keydown', (event) => {
      const last = tabs.length - 1;
      const next = {
        ArrowDown: i === last ? 0 : i + 1,
        ArrowRight: i === last ? 0 : i + 1,
        ArrowUp: i === 0 ? last : i - 1,
        ArrowLeft: i === 0 ? last : i - 1,
        Home: 0,
        End: last,
      }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(next, true);
    });
  });
  // An address naming a section by its anchor alone (#standards) opens that tab.
  const wanted = tabs.findIndex((tab) => tab.hash === window.location.hash);
  select(wanted >= 0 ? wanted : panels.findIndex((p) => !p.hidden), false, wanted >= 0);
}
