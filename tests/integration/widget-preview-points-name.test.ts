// The admin's widget preview (POST /widget-preview/render, the real app embed
// rendered with the settings being edited) counts points by Settings' name,
// as the storefront will once Tally syncs $app:tally.points_name.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET_SETTINGS } from '../../web/loyalty/domain/widget.js';
import { useTestApp } from '../helpers/app.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });

async function preview(body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${app.url}/widget-preview/render`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ settings: DEFAULT_WIDGET_SETTINGS, audience: 'member', ...body }),
  });
  expect(res.status).toBe(200);
  return res.text();
}

const launcherBalance = (html: string) => /data-tally-points="available">([^<]*)</.exec(html)?.[1];

describe('the widget preview names points as Settings does', () => {
  it("shows the member's balance in stars, in every language, and the translated word when the name is the default", async () => {
    expect(launcherBalance(await preview({ currencyName: 'stars' }))).toBe('1250 stars');
    expect(launcherBalance(await preview({ currencyName: 'stars', locale: 'de' }))).toBe('1250 stars');
    expect(await preview({ currencyName: 'stars' })).toContain('data-points-name="stars"');
    expect(launcherBalance(await preview({ currencyName: 'points', locale: 'de' }))).toBe('1250 Punkte');
    expect(launcherBalance(await preview({}))).toBe('1250 points');
  });
});
