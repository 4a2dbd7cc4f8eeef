// The checkout UI extension (extensions/tally-thank-you) passes the project's
// checks (scripts/check-extension.ts uiExtensionChecks), and each check is
// shown to catch the mistake it exists for on a broken copy.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { knownTargets, uiExtensionChecks } from '../../../scripts/check-extension.js';
import { THANK_YOU_DIR } from '../../../scripts/build-thank-you.js';

const copies: string[] = [];
// Inside the repository, so the copy's imports (preact, @shopify/ui-extensions) resolve from its node_modules.
function brokenCopy(change: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(THANK_YOU_DIR, '..', '.check-'));
  cpSync(THANK_YOU_DIR, dir, { recursive: true });
  copies.push(dir);
  change(dir);
  return dir;
}
const edit = (dir: string, file: string, fn: (s: string) => string) =>
  writeFileSync(path.join(dir, file), fn(readFileSync(path.join(dir, file), 'utf8')));
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('checkout UI extension checks', () => {
  it('find no problem in the extension', async () => {
    expect(await uiExtensionChecks()).toEqual([]);
  }, 30_000);

  it('know both of its targets from the installed @shopify/ui-extensions', () => {
    const targets = knownTargets();
    expect(targets.has('purchase.thank-you.block.render')).toBe(true);
    expect(targets.has('customer-account.order-status.block.render')).toBe(true);
    expect(targets.has('purchase.thank-you.bogus')).toBe(false);
  });

  it('catch a wrong api_version, an unknown target, a missing module and fetch without network access', async () => {
    const dir = brokenCopy((d) =>
      edit(d, 'shopify.extension.toml', (s) =>
        s
          .replace('api_version = "2026-07"', 'api_version = "2025-10"')
          .replace('target = "purchase.thank-you.block.render"', 'target = "purchase.thank-you.bogus"')
          .replace('./src/OrderStatus.tsx', './src/Missing.tsx')
          .replace('network_access = true', 'network_access = false'),
      ),
    );
    const problems = (await uiExtensionChecks(dir)).join('\n');
    expect(problems).toContain('api_version "2025-10" should be "2026-07"');
    expect(problems).toContain('target "purchase.thank-you.bogus"');
    expect(problems).toContain('module ./src/Missing.tsx');
    expect(problems).toContain('network_access is not true');
  }, 30_000);

  it('catch a script over 64 KB compiled', async () => {
    const dir = brokenCopy((d) =>
      edit(d, 'src/ThankYou.tsx', (s) => `${s}\nexport const padding = ${JSON.stringify('x'.repeat(70_000))};\n`),
    );
    expect((await uiExtensionChecks(dir)).join('\n')).toMatch(/src\/ThankYou\.tsx: \d+ bytes compiled, Shopify allows 65536/);
  }, 30_000);

  it('catch a missing translation, a changed placeholder and a key the code uses that no locale has', async () => {
    const dir = brokenCopy((d) => {
      edit(d, 'locales/de.json', (s) =>
        s.replace(/\s*"submit": "[^"]*",/, '').replace('{{score}} von {{max}}"', '{{punkte}} von {{max}}"'),
      );
      edit(d, 'src/SurveyCard.tsx', (s) => s.replace("t('survey.submit')", "t('survey.send_now')"));
    });
    const problems = (await uiExtensionChecks(dir)).join('\n');
    expect(problems).toContain('locales/de.json: missing survey.submit');
    expect(problems).toContain('locales/de.json: survey.score has placeholders {max,punkte}');
    expect(problems).toContain("src: t('survey.send_now') is not in locales/en.default.json");
  }, 30_000);
});
