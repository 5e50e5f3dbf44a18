// Progressive enhancement only: every page works without this file.
// 1. Buttons with data-confirm ask before submitting their form.
// 2. The agency field of the intake form suggests known agencies and fills in their kind, level and country.
// 3. Upload forms take a dropped file.
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
