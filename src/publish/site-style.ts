/** The static site's one stylesheet, inlined into every page (site.tsx): no external resources. */
export const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1b1f24;background:#f6f7f9}
a{color:#1d4f80}a:hover{color:#0b2f55}a:focus-visible{outline:3px solid #e0a100;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header.site{background:#1f3f60;color:#fff;padding:1.5rem 1rem 1.25rem}
header.site .wrap>p{margin:.25rem 0 0;color:#d5e2ef;max-width:44rem}
header.site a{color:#fff}
.masthead{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:baseline;font-size:.95rem;margin:0 0 .75rem}
.masthead .brand{font-weight:700;margin-right:auto}.masthead a{color:#d5e2ef}.masthead a.brand{color:#fff}
.wrap{max-width:64rem;margin:0 auto}
main{padding:0 1rem 3rem}
h1{font-size:clamp(1.5rem,4vw,2.2rem);line-height:1.2;margin:0}
h2{font-size:1.35rem;margin:2.5rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid #2f5d8a}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
section.card{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:1rem 1.25rem;margin:1.25rem 0}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0;padding:0;list-style:none}
.figures li{background:#fff;border:1px solid #dde2e8;border-left:4px solid #2f5d8a;border-radius:6px;padding:.6rem .8rem}
.figures .n{display:block;font-size:1.8rem;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.2}
.figures .l{display:block;font-size:.88rem;color:#4a5560}
.updated{border:2px solid #b35900;background:#fff4e5;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.updated strong{color:#8a4500}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,29rem),1fr));gap:1rem}
figure{margin:0;background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:.75rem}
figure svg{display:block;max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#4a5560;margin-top:.5rem}
details{margin-top:.4rem}summary{cursor:pointer;color:#1d4f80}details table{font-size:.82rem;margin-top:.4rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.4rem 0}
th,td{padding:.45rem .6rem;border-bottom:1px solid #dde2e8;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #1b1f24;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody th{font-weight:600}
.tag{display:inline-block;font-size:.75rem;font-weight:700;padding:.05rem .45rem;border-radius:999px;background:#e6eef6;color:#1f3f60;margin-left:.3rem;vertical-align:middle}
.tag.corr{background:#fff0dc;color:#8a4500}
ul.dl{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.35rem}
ul.dl a{display:inline-block;padding:.15rem .55rem;border:1px solid #b9c6d3;border-radius:4px;background:#fff;text-decoration:none;font-size:.85rem}
ul.dl a:hover{background:#e6eef6}
.note{font-size:.88rem;color:#4a5560;font-weight:normal}
.nowrap{white-space:nowrap}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
footer{border-top:1px solid #dde2e8;padding:1.5rem 1rem;color:#4a5560;font-size:.88rem}
@media (max-width:40rem){body{font-size:15px}section.card{padding:.75rem}.figures .n{font-size:1.5rem}th,td{padding:.4rem .45rem}}
@media print{header.site{background:none;color:#000}header.site a,header.site .wrap>p{color:#000}.skip{display:none}}
`.trim();
