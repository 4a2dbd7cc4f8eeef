// A plain page to send signed webhooks to the running dev app and watch one
// member's points move: order → pending → release → refund half → clawback.
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export const DEMO_CUSTOMER = 'gid://shopify/Customer/9100000000000';

/**
 * `shops`: the development shops, each with a link to the admin as that shop
 * and a button that shows its onboarding again.
 */
export function simulatorPage(scenarios: Record<string, string>, shops: ReadonlyArray<{ domain: string; name: string }> = []): string {
  const options = Object.entries(scenarios)
    .map(([key, label]) => `<option value="${escape(key)}">${escape(label)}</option>`)
    .join('');
  const shopRows = shops
    .map(
      (s) =>
        `<li data-shop="${escape(s.domain)}"><a href="/?shop=${encodeURIComponent(s.domain)}">Open the admin as ${escape(s.name)}</a> (${escape(s.domain)}) ` +
        `<button type="button" class="reset-onboarding" data-shop="${escape(s.domain)}">Reset onboarding</button></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Tally — webhook simulator</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}select,input,button{font:inherit;padding:.4rem .6rem}
button{background:#303030;color:#fff;border:0;border-radius:.5rem;padding:.5rem 1rem;margin:1rem .5rem 0 0;cursor:pointer}
pre{background:#f4f4f4;padding:1rem;border-radius:.5rem;overflow:auto;white-space:pre-wrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}</style></head>
<body><h1>Webhook simulator</h1>
<p>Sends a delivery signed with the app secret to <code>POST /api/webhooks</code>, exactly as Shopify would.
Sending it more than once repeats the same event id, as Shopify's retries do: it must be applied once.</p>
<form id="f"><label for="customerId">Member (Customer GID)</label><input id="customerId" name="customerId" size="40" value="${DEMO_CUSTOMER}">
<label for="scenario">Scenario</label><select id="scenario" name="scenario">${options}</select>
<label for="times">Deliveries of the same event</label><input id="times" name="times" type="number" min="1" max="10" value="1">
<div><button type="submit">Send</button><button type="button" id="release">Release pending points now</button></div></form>
<h2>Member</h2><dl id="member" aria-live="polite"></dl>
<h2>Referrals</h2>
<p>The member's link opens the referral landing page through a local stand-in for Shopify's app proxy; it sets the
friend's cookies and creates their code. Then send <em>a referred friend's first order</em> and end its pending period.</p>
<div><button type="button" id="referral">Show the member's referral link</button><button type="button" id="release-referrals">End referred orders' pending period</button></div>
<p id="referral-out" aria-live="polite"></p>
<h2 id="shops">Development shops</h2>
<p>The admin opens as the shop in its <code>?shop=</code>. The fresh shop was never onboarded. <em>Reset onboarding</em> shows the
checklist again: the demo shop keeps its program and members; the fresh shop starts over from nothing.</p>
<ul>${shopRows}</ul>
<h2>Result</h2><pre id="out" aria-live="polite">Nothing sent yet.</pre>
<script>
const $=id=>document.getElementById(id);
async function showMember(){const id=encodeURIComponent($('customerId').value);const r=await fetch('/dev/members/'+id);const m=await r.json();
$('member').innerHTML=r.ok?'<dt>Name</dt><dd>'+m.name+'</dd><dt>Available</dt><dd data-testid="available">'+m.points.available+'</dd><dt>Pending</dt><dd data-testid="pending">'+m.points.pending+'</dd><dt>Latest order</dt><dd>'+(m.latestOrder?m.latestOrder.name+' — '+m.latestOrder.pointsAwarded+' points, '+(m.latestOrder.releasedAt?'released':'pending')+'</dd>':'none</dd>'):'<dt>—</dt><dd>'+m.error.message+'</dd>';}
$('f').addEventListener('submit',async e=>{e.preventDefault();const body=Object.fromEntries(new FormData(e.target));$('out').textContent='Sending…';
const r=await fetch('/dev/webhooks/send',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body)});
$('out').textContent=JSON.stringify(await r.json(),null,2);showMember();});
$('release').addEventListener('click',async()=>{const r=await fetch('/dev/members/'+encodeURIComponent($('customerId').value)+'/release',{method:'POST'});
$('out').textContent=JSON.stringify(await r.json(),null,2);showMember();});
$('referral').addEventListener('click',async()=>{const r=await fetch('/dev/storefront/apps/tally/member?customer='+encodeURIComponent($('customerId').value));const b=await r.json();
const ref=b.member&&b.member.referral;$('referral-out').textContent='';if(!ref){$('referral-out').textContent='No referral link (is the member enrolled and the referral program on?)';return;}
const a=document.createElement('a');a.id='referral-link';a.href=ref.url;a.textContent=ref.url;$('referral-out').append(a,' — friends joined: ',Object.assign(document.createElement('span'),{textContent:String(ref.friendsJoined)}));});
$('release-referrals').addEventListener('click',async()=>{const r=await fetch('/dev/referrals/release',{method:'POST'});$('out').textContent=JSON.stringify(await r.json(),null,2);showMember();});
for(const b of document.querySelectorAll('.reset-onboarding'))b.addEventListener('click',async()=>{const r=await fetch('/dev/shops/'+encodeURIComponent(b.dataset.shop)+'/reset-onboarding',{method:'POST'});$('out').textContent=JSON.stringify(await r.json(),null,2);});
$('customerId').addEventListener('change',showMember);showMember();
</script></body></html>`;
}
