// Renders Keyway's tray and app icons from SVG to PNG with Debian's Chromium (playwright-core), into
// resources/. Run again after changing a glyph: `node scripts/make-icons.mjs`. The PNGs are committed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../resources/', import.meta.url));
const LEVELS = { ok: null, warning: '#f0a020', exceeded: '#e53935' };
const GLYPH = { light: '#1f2328', dark: '#f2f4f7' };

/** A key glyph on a 32-unit grid; warning adds a "!" badge, exceeded a filled "x" badge; marker a dot top-left. */
function traySvg(level, marker, theme) {
  const ink = GLYPH[theme];
  const badge = LEVELS[level];
  const parts = [
    `<circle cx="11" cy="13" r="7" fill="none" stroke="${ink}" stroke-width="3.2"/>`,
    `<path d="M16 18 L27 29 M22 24 L25 21 M25 27 L28 24" stroke="${ink}" stroke-width="3.2" stroke-linecap="round" fill="none"/>`,
  ];
  if (level === 'warning') {
    parts.push(`<path d="M24 1 L31.5 14 L16.5 14 Z" fill="${badge}" stroke="${theme === 'light' ? '#fff' : '#000'}" stroke-width="1"/>`);
    parts.push(`<path d="M24 5 L24 10" stroke="#000" stroke-width="2" stroke-linecap="round"/><circle cx="24" cy="12.2" r="1.1" fill="#000"/>`);
  }
  if (level === 'exceeded') {
    parts.push(`<circle cx="24.5" cy="7.5" r="7" fill="${badge}" stroke="${theme === 'light' ? '#fff' : '#000'}" stroke-width="1"/>`);
    parts.push(`<path d="M21.5 4.5 L27.5 10.5 M27.5 4.5 L21.5 10.5" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/>`);
  }
  if (marker) parts.push(`<circle cx="4.5" cy="27.5" r="4" fill="#e53935" stroke="${theme === 'light' ? '#fff' : '#000'}" stroke-width="1"/>`);
  return parts.join('');
}

function appSvg() {
  return `
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#3b6ef5"/><stop offset="1" stop-color="#1d3fa8"/></linearGradient></defs>
    <rect x="1.5" y="1.5" width="29" height="29" rx="7" fill="url(#g)"/>
    <circle cx="12" cy="13" r="5.2" fill="none" stroke="#fff" stroke-width="2.6"/>
    <path d="M15.8 16.8 L24 25 M20.2 21.2 L22.4 19 M22.6 23.6 L24.8 21.4" stroke="#fff" stroke-width="2.6" stroke-linecap="round" fill="none"/>`;
}

async function render(page, body, size, file) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent"><svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 32 32">${body}</svg></body></html>`,
  );
  await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  mkdirSync(join(root, 'tray'), { recursive: true });
  mkdirSync(join(root, 'icons'), { recursive: true });
  for (const level of Object.keys(LEVELS)) {
    for (const marker of [false, true]) {
      for (const theme of ['light', 'dark']) {
        const name = `tray-${level}${marker ? '-marker' : ''}-${theme}`;
        await render(page, traySvg(level, marker, theme), 16, join(root, 'tray', `${name}.png`));
        await render(page, traySvg(level, marker, theme), 32, join(root, 'tray', `${name}@2x.png`));
      }
    }
  }
  for (const size of [16, 32, 48, 64, 128, 256, 512]) await render(page, appSvg(), size, join(root, 'icons', `${size}x${size}.png`));
  await render(page, appSvg(), 1024, join(root, 'icon.png'));
  console.log(`icons written to ${root}`);
} finally {
  await browser.close();
}
