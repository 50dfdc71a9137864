/**
 * Accessibility and layout checks for browser tests, as a person with a screen reader, a keyboard
 * or a phone meets the page:
 *
 * - `expectAccessible(page, label)` runs axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as
 *   it is now and fails with a readable list: rule, impact, what it means, and each element
 *   (selector and axe's summary of what to fix).
 * - `horizontalOverflow(page)` lists the elements wider than the viewport (nothing should be at a
 *   phone's width: the page would scroll sideways).
 * - `focusedElement(page)` says what the keyboard focus is on, and whether it is visible (an outline
 *   or a box shadow painted around it).
 *
 * axe-core is evaluated in the page through the DevTools protocol, so the Studio's
 * Content-Security-Policy (no inline script) needs no exception.
 */
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource: string = (require('axe-core') as { source: string }).source;

/** The WCAG 2 A and AA rule tags (2.0, 2.1 and 2.2). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
}

/** axe-core's WCAG 2 A/AA violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    // axe is the script evaluated above; only its types are imported here.
    const { axe } = window as unknown as {
      axe: { run(context: Document, options: RunOptions): Promise<AxeResults> };
    };
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: (n.target as unknown[]).map(String).join(' '),
        summary: String(n.failureSummary ?? '')
          .replace(/\s*\n\s*/g, ' ')
          .trim(),
      })),
    }));
  }, WCAG_TAGS);
}

/** The violations as a person reads them: one rule a paragraph, each element on its own line. */
export function formatViolations(label: string, violations: Violation[]): string {
  const lines = [`${label}: ${violations.length} WCAG 2 A/AA violation(s) found by axe-core`];
  for (const v of violations) {
    lines.push('', `- ${v.id} (${v.impact ?? 'no impact given'}): ${v.help}`, `  ${v.helpUrl}`);
    for (const n of v.nodes) lines.push(`  · ${n.target}`, `    ${n.summary}`);
  }
  return lines.join('\n');
}

/** Fails with a readable list when axe-core finds WCAG 2 A/AA violations on the page. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length > 0) throw new Error(formatViolations(label, violations));
}

/** Elements reaching past the viewport's right edge (or the page itself scrolling sideways). */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width)
      found.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 1) continue;
      // Inside something that scrolls on its own (or clips), it does not widen the page.
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) {
          clipped = true;
          break;
        }
      }
      if (clipped) continue;
      const name = el.id
        ? `#${el.id}`
        : el.className
          ? `.${String(el.className).split(' ')[0]}`
          : '';
      found.push(`<${el.tagName.toLowerCase()}${name}> ends at ${Math.round(box.right)} px`);
    }
    return found;
  });
}

export interface Focused {
  /** Tag, role and accessible text of the focused element ('body' when nothing is). */
  describe: string;
  /** An outline or a box shadow is painted around it. */
  visible: boolean;
}

/** What the keyboard focus is on, and whether a person can see where it is. */
export function focusedElement(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { describe: 'body', visible: false };
    const style = getComputedStyle(el);
    const outline =
      style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 1 ? true : false;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    const text =
      el.getAttribute('aria-label') ??
      (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
      el.textContent ??
      '';
    return {
      describe: `${el.tagName.toLowerCase()} “${text.trim().slice(0, 60)}”`,
      visible: outline || shadow,
    };
  });
}
