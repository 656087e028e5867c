// Reflow and zoom (WCAG 2.1 SC 1.4.10 Reflow, SC 1.4.4 Resize text): at 320 CSS
// px and at 200 % zoom a page must not scroll sideways and must not cut text off.
import assert from 'node:assert/strict';

/**
 * The layouts the portal must work in. 200 % zoom of a 1280 px wide window lays
 * the page out in 640 CSS px (what the browser's zoom does; deviceScaleFactor
 * would only sharpen the pixels), and CSS `zoom: 2` on the root enlarges
 * everything, text included, in the full-width window.
 */
export const LAYOUTS = [
  { label: '320 px', viewport: { width: 320, height: 640 } },
  { label: '200 % zoom (1280 px window = 640 CSS px)', viewport: { width: 640, height: 400 } },
  { label: '200 % zoom (CSS zoom: 2 at 1280 px)', viewport: { width: 1280, height: 800 }, zoom: 2 },
];

/** Sets the page to `layout` (viewport and, if given, CSS zoom of the root element). */
export async function applyLayout(page, layout) {
  await page.setViewportSize(layout.viewport);
  await page.evaluate((zoom) => {
    document.documentElement.style.zoom = zoom ? String(zoom) : '';
  }, layout.zoom ?? null);
}

/**
 * What breaks reflow on the current page, as lines of text (empty when nothing):
 * - the document is wider than the window (sideways scrolling);
 * - a piece of text lies outside the window to the left or right, except inside
 *   a data table that scrolls on its own (tables are exempt from 1.4.10);
 * - an element cuts its content off (overflow hidden or clip, and more content
 *   than room), except the visually hidden texts meant for screen readers.
 */
export async function reflowProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const root = document.documentElement;
    const width = root.clientWidth;
    if (root.scrollWidth > width + 1) {
      problems.push(`the page scrolls sideways: scrollWidth ${root.scrollWidth} > ${width}`);
    }
    const describe = (el) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.tagName.toLowerCase()}${id}${cls}>`;
    };
    // Hidden on purpose: the skip link waits off-screen until focused; texts for screen readers.
    const hiddenOnPurpose = (el) =>
      el.closest('.visually-hidden') || (el.closest('a.skip') && document.activeElement !== el.closest('a.skip'));
    const scrollsOnItsOwn = (el) => {
      for (let a = el; a && a !== root; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (a.tagName === 'TABLE' && ['auto', 'scroll'].includes(s.overflowX)) return true;
      }
      return false;
    };

    const outside = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const el = node.parentElement;
      if (!el || hiddenOnPurpose(el) || scrollsOnItsOwn(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width === 0 || r.height === 0) continue;
        if (r.right > width + 1 || r.left < -1) {
          outside.add(`${describe(el)} "${node.textContent.trim().slice(0, 40)}" spans ${Math.round(r.left)}–${Math.round(r.right)} px`);
          break;
        }
      }
    }
    for (const line of outside) problems.push(`text outside the window: ${line}`);

    for (const el of document.body.querySelectorAll('*')) {
      if (hiddenOnPurpose(el)) continue;
      const s = getComputedStyle(el);
      const clipsX = ['hidden', 'clip'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
      const clipsY = ['hidden', 'clip'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if ((clipsX || clipsY) && el.textContent.trim()) {
        problems.push(
          `content cut off: ${describe(el)} shows ${el.clientWidth}×${el.clientHeight} of ${el.scrollWidth}×${el.scrollHeight} px`,
        );
      }
    }
    return problems;
  });
}

/** Fails listing every reflow problem of the current page (see reflowProblems). */
export async function checkReflow(page, label) {
  const problems = await reflowProblems(page);
  if (problems.length > 0) {
    assert.fail(`reflow problems on ${label} (${page.url()}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
