// A plain page to send signed webhooks to the running dev app.
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function simulatorPage(scenarios: Record<string, string>): string {
  const options = Object.entries(scenarios)
    .map(([key, label]) => `<option value="${escape(key)}">${escape(label)}</option>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tally — webhook simulator</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}select,input,button{font:inherit;padding:.4rem .6rem}
button{background:#303030;color:#fff;border:0;border-radius:.5rem;padding:.5rem 1rem;margin-top:1rem;cursor:pointer}
pre{background:#f4f4f4;padding:1rem;border-radius:.5rem;overflow:auto;white-space:pre-wrap}</style></head>
<body><h1>Webhook simulator</h1>
<p>Sends a delivery signed with the app secret to <code>POST /api/webhooks</code>, exactly as Shopify would.
Sending it more than once repeats the same event id, as Shopify's retries do: it must be applied once.</p>
<form id="f"><label for="scenario">Scenario</label><select id="scenario" name="scenario">${options}</select>
<label for="times">Deliveries of the same event</label><input id="times" name="times" type="number" min="1" max="10" value="1">
<div><button type="submit">Send</button></div></form><h2>Result</h2><pre id="out" aria-live="polite">Nothing sent yet.</pre>
<script>document.getElementById('f').addEventListener('submit',async e=>{e.preventDefault();
const body=Object.fromEntries(new FormData(e.target));const out=document.getElementById('out');out.textContent='Sending…';
const r=await fetch('/dev/webhooks/send',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)});
out.textContent=JSON.stringify(await r.json(),null,2);});</script></body></html>`;
}
