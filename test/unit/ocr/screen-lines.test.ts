/**
 * Tesseract's TSV lines and the row-by-row text composed from them. The TSV rows follow
 * tesseract-ocr/tesseract src/api/renderer.cpp (TessTsvRenderer, 5.x): a header, then one row per
 * page, block, paragraph, line and word, 12 tab-separated columns.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeScreenText, parseTsvLines, type ScreenLine } from '../../../src/core/ocr/screen-lines.js';

const HEADER = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
const row = (cols: (string | number)[]) => cols.join('\t');

describe('parseTsvLines', () => {
  it('gathers the words of each line with the line box', () => {
    const tsv = [
      HEADER,
      row([1, 1, 0, 0, 0, 0, 0, 0, 720, 400, -1, '']),
      row([2, 1, 1, 0, 0, 0, 10, 20, 300, 40, -1, '']),
      row([3, 1, 1, 1, 0, 0, 10, 20, 300, 40, -1, '']),
      row([4, 1, 1, 1, 1, 0, 10, 20, 200, 16, -1, '']),
      row([5, 1, 1, 1, 1, 1, 10, 20, 60, 16, 95.1, 'SYSLINUX']),
      row([5, 1, 1, 1, 1, 2, 80, 20, 40, 16, 93.2, '6.04']),
      row([4, 1, 1, 1, 2, 0, 10, 44, 50, 16, -1, '']),
      row([5, 1, 1, 1, 2, 1, 10, 44, 50, 16, 91.0, 'boot:']),
      // A line Tesseract found but read no word in.
      row([4, 1, 2, 1, 1, 0, 400, 300, 50, 16, -1, '']),
      row([5, 1, 2, 1, 1, 1, 400, 300, 50, 16, 10.0, ' ']),
      '',
    ].join('\n');
    expect(parseTsvLines(tsv)).toEqual([
      { top: 20, bottom: 36, left: 10, text: 'SYSLINUX 6.04' },
      { top: 44, bottom: 60, left: 10, text: 'boot:' },
    ]);
  });

  it('ignores rows that are not TSV at all', () => {
    expect(parseTsvLines('')).toEqual([]);
    expect(parseTsvLines('garbage\nmore garbage\n5\t1\t1')).toEqual([]);
  });

  it('keeps every word of every line, in order, whatever the layout (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9:.<>()-]{1,12}$/);
    const line = fc.record({ top: fc.nat(2000), height: fc.integer({ min: 1, max: 60 }), left: fc.nat(2000), words: fc.array(word, { minLength: 1, maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const rows = [HEADER];
        lines.forEach((l, i) => {
          rows.push(row([4, 1, i + 1, 1, 1, 0, l.left, l.top, 100, l.height, -1, '']));
          l.words.forEach((w, j) => rows.push(row([5, 1, i + 1, 1, 1, j + 1, l.left + j * 10, l.top, 9, l.height, 90, w])));
        });
        const parsed = parseTsvLines(rows.join('\n'));
        expect(parsed).toEqual(lines.map((l) => ({ top: l.top, bottom: l.top + l.height, left: l.left, text: l.words.join(' ') })));
      }),
    );
  });
});

describe('composeScreenText', () => {
  const line = (top: number, left: number, text: string, height = 16): ScreenLine => ({ top, bottom: top + height, left, text });

  it('joins the lines of one screen row left to right, rows top to bottom', () => {
    // An installer's two-column list: Tesseract gives each column as its own block.
    const lines = [line(100, 312, 'Danish'), line(116, 312, 'Dutch'), line(100, 520, 'Dansk'), line(117, 520, 'Nederlands'), line(20, 30, 'Language:')];
    expect(composeScreenText(lines)).toBe('Language:\nDanish Dansk\nDutch Nederlands');
  });

  it('keeps a line two rows tall apart from the rows it covers', () => {
    const lines = [line(272, 312, 'Chinese (Simplified) -'), line(270, 520, '中文(简体) 中文(繁體)', 34), line(288, 312, 'Chinese (Traditional) -')];
    expect(composeScreenText(lines)).toBe('中文(简体) 中文(繁體)\nChinese (Simplified) -\nChinese (Traditional) -');
  });

  it('keeps every line exactly once, whatever the order it comes in (property)', () => {
    const arb = fc.array(fc.record({ top: fc.nat(800), height: fc.integer({ min: 1, max: 40 }), left: fc.nat(1000), text: fc.stringMatching(/^[a-z]{1,8}$/) }), { maxLength: 30 });
    fc.assert(
      fc.property(arb, (raw) => {
        const lines = raw.map((l, i) => line(l.top, l.left, `${l.text}${i}`, l.height));
        const text = composeScreenText(lines);
        const words = text.split(/[ \n]/).filter(Boolean);
        expect(words.sort()).toEqual(lines.map((l) => l.text).sort());
        expect(composeScreenText([...lines].reverse())).toBe(text);
      }),
    );
  });
});
