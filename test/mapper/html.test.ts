import { describe, expect, it } from 'vitest';
import { isBlankHtml } from '../../src/mapper/html.ts';

/** The definition without the shortcut for bodies that start with a word. */
const blankByRegex = (html: string): boolean => !/<(?:img|video|audio|iframe|object|embed)\b/i.test(html) && /^(?:\s|&nbsp;|&#160;|\u00a0)*$/i.test(html.replace(/<[^>]*>/g, ''));

describe('isBlankHtml', () => {
  it('counts tags, spaces and non-breaking spaces alone as blank, and an image or a word as not', () => {
    expect(isBlankHtml('<div class="zd-comment"></div>')).toBe(true);
    expect(isBlankHtml('<p><br></p>\n')).toBe(true);
    expect(isBlankHtml('<p>&NBSP;&#160;\u00a0</p>')).toBe(true);
    expect(isBlankHtml('<img src="x.png">')).toBe(false);
    expect(isBlankHtml('<p>9 lives</p>')).toBe(false);
  });

  it('judges a body that starts with a word exactly as its regular expressions do', () => {
    const tricky = ['<p>A</p>', '<br>z', '<a href="x">0</a>', '\t<p>_x</p>', '<<p>>x', '<p>&#160;x</p>', '<video src=a>', '\u00a0<p>x</p>', '<p', 'x<', ' \n<p>9 lives</p>', '<p>&amp; co</p>', '<p>&nb<b>sp;</b></p>', ''];
    for (const html of tricky) expect(isBlankHtml(html), JSON.stringify(html)).toBe(blankByRegex(html));
  });
});
