// "Visible" the way a person means it. Playwright's own `isVisible()` only
// asks for a non-empty box and no `visibility: hidden`: it passed a launcher
// that `opacity: 0` made invisible on every storefront page. This helper asks
// what the eye would: is the element and every ancestor opaque enough and not
// hidden, is it big enough to see, is it on screen, and is it what a click at
// its centre would hit (not covered by something else)?
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/** Below this effective opacity (the product up the tree) a person cannot see it. */
const MIN_OPACITY = 0.5;
/** Smaller than this (CSS pixels, either side) is not something a person sees. */
const MIN_SIZE = 4;

/**
 * Why `locator`'s element is not visible to a person, or null when it is.
 * The check runs in the page, on the first element the locator resolves to.
 */
export async function whyNotVisible(locator: Locator): Promise<string | null> {
  if ((await locator.count()) === 0) return 'no element matches';
  return locator.first().evaluate(
    (element, limits) => {
      const describe = (el: Element) => {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        return `<${el.tagName.toLowerCase()}${id}${cls}>`;
      };
      let opacity = 1;
      // Up the composed tree: from inside a shadow root on to its host (custom elements such as the `s-*` components).
      const up = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host || null);
      for (let el: Element | null = element; el; el = up(el)) {
        const style = getComputedStyle(el);
        if (style.display === 'none') return `${describe(el)} has display: none`;
        if (el === element && (style.visibility === 'hidden' || style.visibility === 'collapse'))
          return `${describe(el)} has visibility: ${style.visibility}`;
        opacity *= Number(style.opacity);
        if (opacity < limits.minOpacity) return `effective opacity ${opacity.toFixed(2)} (${describe(el)} has opacity ${style.opacity})`;
      }
      const box = element.getBoundingClientRect();
      if (box.width < limits.minSize || box.height < limits.minSize) return `${describe(element)} is ${box.width}×${box.height} px`;
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) {
        return `${describe(element)}'s centre (${Math.round(x)}, ${Math.round(y)}) is off the ${innerWidth}×${innerHeight} viewport`;
      }
      const hit = document.elementFromPoint(x, y);
      if (!hit) return `nothing is at ${describe(element)}'s centre`;
      if (hit !== element && !element.contains(hit)) {
        // The document answers with a shadow host for what lies inside it: look inside, then ask again up the composed tree.
        let deep: Element = hit;
        for (let inner = deep.shadowRoot?.elementFromPoint(x, y); inner && inner !== deep; inner = deep.shadowRoot?.elementFromPoint(x, y))
          deep = inner;
        let node: Element | null = deep;
        while (node && node !== element) node = up(node);
        // Text slotted into the element's own shadow host answers as that host: the host does not cover what it renders.
        let ownHost = false;
        for (let root = element.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) ownHost ||= root.host === deep;
        if (!node && !ownHost) return `${describe(element)} is covered by ${describe(hit)} at its centre`;
      }
      return null;
    },
    { minOpacity: MIN_OPACITY, minSize: MIN_SIZE },
  );
}

/**
 * Waits (up to `timeout` ms, e.g. for a stylesheet that loads without
 * blocking) until a person could see `locator`'s element; fails with the
 * reason they could not.
 */
export async function expectReallyVisible(locator: Locator, timeout = 5_000): Promise<void> {
  await expect.poll(() => whyNotVisible(locator), { timeout, message: `${locator} should be visible to a person` }).toBeNull();
}

/**
 * Scrolls `locator`'s element into view first (for content below the fold),
 * then asserts it is really visible.
 */
export async function expectVisibleAfterScroll(locator: Locator, timeout = 5_000): Promise<void> {
  await locator.first().scrollIntoViewIfNeeded();
  await expectReallyVisible(locator, timeout);
}

/**
 * A chart drawn as a person sees it: a real size (over 300 × 200 CSS pixels, its SVG over 10,000 px²), opaque up
 * the tree and not hidden, and a click at its centre landing on the chart or its card `[data-testid=cardTestId]`
 * (the drawing itself is inert), so nothing covers it.
 */
export async function expectChartDrawn(chart: Locator, cardTestId: string): Promise<void> {
  await chart.scrollIntoViewIfNeeded();
  const seen = await chart.evaluate((el, card) => {
    const box = el.getBoundingClientRect();
    const svg = el.querySelector('svg')!.getBoundingClientRect();
    let opacity = 1;
    for (let n: Element | null = el; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
    const style = getComputedStyle(el);
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return {
      width: box.width,
      height: box.height,
      svg: svg.width * svg.height,
      visible: style.visibility === 'visible' && style.display !== 'none' && opacity > 0.5,
      inCard: Boolean(hit && (el.contains(hit) || hit.contains(el) || hit.closest(`[data-testid="${card}"]`))),
    };
  }, cardTestId);
  expect(seen.width).toBeGreaterThan(300);
  expect(seen.height).toBeGreaterThan(200);
  expect(seen.svg).toBeGreaterThan(10_000);
  expect(seen.visible).toBe(true);
  expect(seen.inCard, 'nothing covers the chart').toBe(true);
}
