/**
 * Draws the two Teams app icons, a round table seen from above: the person at the centre,
 * the table around them and the network seated in a circle.
 *   manifest/color.png    192x192, white on a calm teal-blue square
 *   manifest/outline.png  32x32, white on transparent (as Teams requires)
 * Usage: tsx scripts/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];
/** Whether a point lies inside a shape. */
type Shape = (x: number, y: number) => boolean;

const BACKGROUND: Rgba = [31, 111, 139, 255]; // #1F6F8B, the manifest's accentColor
const WHITE: Rgba = [255, 255, 255, 255];
const SEATS = 7;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** The CRC-32 (ISO 3309) that PNG chunks end with. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes 8-bit RGBA pixels (row by row, 4 bytes each) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, filter 0, no interlace
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 4)] = 0; // filter: none
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const disc = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx: number, cy: number, r: number, width: number): Shape => (x, y) =>
  Math.abs(Math.hypot(x - cx, y - cy) - r) <= width / 2;

/** The round table in a box of the given size: the centre, the table, the seats around it. */
function roundTable(size: number, scale: { centre: number; table: number; line: number; seats: number; seat: number }): Shape[] {
  const c = size / 2;
  const shapes = [disc(c, c, scale.centre * size), ring(c, c, scale.table * size, scale.line * size)];
  for (let i = 0; i < SEATS; i++) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / SEATS;
    shapes.push(disc(c + Math.cos(a) * scale.seats * size, c + Math.sin(a) * scale.seats * size, scale.seat * size));
  }
  return shapes;
}

/** Renders white shapes over a background with 8x8 supersampling; white stays white, only alpha blends. */
function render(size: number, background: Rgba | undefined, shapes: Shape[]): Buffer {
  const n = 8;
  const px = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const fx = x + (sx + 0.5) / n;
          const fy = y + (sy + 0.5) / n;
          if (shapes.some((s) => s(fx, fy))) hits++;
        }
      }
      const cover = hits / (n * n);
      const i = (y * size + x) * 4;
      if (background) {
        for (let k = 0; k < 3; k++) px[i + k] = Math.round(background[k] * (1 - cover) + WHITE[k] * cover);
        px[i + 3] = 255;
      } else {
        px.set([255, 255, 255, Math.round(255 * cover)], i);
      }
    }
  }
  return px;
}

function main(): void {
  const dir = join(__dirname, '..', 'manifest');
  const color = render(192, BACKGROUND, roundTable(192, { centre: 0.085, table: 0.2, line: 0.035, seats: 0.34, seat: 0.06 }));
  const outline = render(32, undefined, roundTable(32, { centre: 0.1, table: 0.22, line: 0.06, seats: 0.37, seat: 0.08 }));
  writeFileSync(join(dir, 'color.png'), encodePng(192, 192, color));
  writeFileSync(join(dir, 'outline.png'), encodePng(32, 32, outline));
  console.log(`Wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}`);
}

if (require.main === module) main();
