// Draws the Teams app icons with pngjs: color.png (192×192, white mark on the accent colour) and
// outline.png (32×32, white mark on transparent). Run once with `npx tsx manifests/teams/icons.ts`;
// the PNGs are committed.

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

export const ACCENT = { r: 0x00, g: 0x5e, b: 0xb8 }; // #005EB8

/**
 * The mark, in unit coordinates (0..1): a ring with an exclamation mark inside, the shape people
 * read as "attention". Returns whether (x, y) is inside the mark.
 */
function inMark(x: number, y: number): boolean {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const r = Math.hypot(dx, dy);
  const ring = r <= 0.44 && r >= 0.34;
  const bar = Math.abs(dx) <= 0.055 && y >= 0.24 && y <= 0.6;
  const dot = Math.hypot(dx, y - 0.72) <= 0.065;
  return ring || bar || dot;
}

function draw(size: number, background: { r: number; g: number; b: number } | null): PNG {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const mark = inMark((x + 0.5) / size, (y + 0.5) / size);
      if (mark) {
        png.data[i] = 255;
        png.data[i + 1] = 255;
        png.data[i + 2] = 255;
        png.data[i + 3] = 255;
      } else if (background) {
        png.data[i] = background.r;
        png.data[i + 1] = background.g;
        png.data[i + 2] = background.b;
        png.data[i + 3] = 255;
      } else {
        png.data[i] = 0;
        png.data[i + 1] = 0;
        png.data[i + 2] = 0;
        png.data[i + 3] = 0;
      }
    }
  }
  return png;
}

export function colorIcon(): Buffer {
  return PNG.sync.write(draw(192, ACCENT));
}

export function outlineIcon(): Buffer {
  return PNG.sync.write(draw(32, null));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = dirname(fileURLToPath(import.meta.url));
  writeFileSync(join(dir, 'color.png'), colorIcon());
  writeFileSync(join(dir, 'outline.png'), outlineIcon());
  console.log('Wrote color.png (192×192) and outline.png (32×32).');
}
