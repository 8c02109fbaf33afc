import { countOf, formatUtc, render, subjectLine } from '#lib/mail-render';

describe('Mail rendering', () => {
  describe('render blocks', () => {
    it('keeps a block for true and drops it for false', () => {
      // Act & Assess
      expect(render('a{{#on}}b{{/on}}c', { on: true }, 'text')).toBe('abc');
      expect(render('a{{#on}}b{{/on}}c', { on: false }, 'text')).toBe('ac');
    });

    it('lets a dropped block leave out its placeholders, and a kept one not', () => {
      // Act & Assess
      expect(render('{{#has}}<{{link}}>{{/has}}', { has: false }, 'html')).toBe('');
      expect(render('{{#has}}<{{link}}>{{/has}}', { has: false, link: '' }, 'html')).toBe('');
      expect(() => render('{{#has}}<{{link}}>{{/has}}', { has: true }, 'html')).toThrow('{{link}}');
    });

    it('repeats a block per item with the item\'s values, escaped in HTML', () => {
      // Prepare
      const rows = [{ name: 'a<b' }, { name: 'c&d' }];

      // Act & Assess
      expect(render('<ul>{{#rows}}<li>{{name}}</li>{{/rows}}</ul>', { rows }, 'html')).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
      expect(render('{{#rows}}- {{name}}\n{{/rows}}', { rows }, 'text')).toBe('- a<b\n- c&d\n');
      expect(render('[{{#rows}}x{{/rows}}]', { rows: [] }, 'text')).toBe('[]');
    });

    it('holds each item to its own placeholders', () => {
      // Act & Assess
      expect(() => render('{{#rows}}{{name}}{{/rows}}', { rows: [{ name: 'a' }, { title: 'b' }] }, 'text')).toThrow('Item 2 of {{#rows}} needs a value for {{name}}');
      expect(() => render('{{#rows}}{{name}}{{/rows}}', { rows: [{ name: 'a', extra: 'b' }] }, 'text')).toThrow('no placeholder for extra');
    });

    it('fills blocks inside kept blocks', () => {
      // Act & Assess
      expect(render('{{#a}}[{{#b}}{{x}}{{/b}}]{{/a}}', { a: true, b: [{ x: '1' }, { x: '2' }] }, 'text')).toBe('[12]');
    });

    it('takes the lines of block tags that stand alone', () => {
      // Prepare
      const template = 'Top\n{{#rows}}\n- {{name}}\n{{/rows}}\n{{#more}}\nMore\n{{/more}}\nEnd\n';

      // Act & Assess
      expect(render(template, { rows: [{ name: 'a' }, { name: 'b' }], more: false }, 'text')).toBe('Top\n- a\n- b\nEnd\n');
    });

    it('refuses unbalanced blocks and a block value that is a string', () => {
      // Act & Assess
      expect(() => render('{{#a}}x', { a: true }, 'text')).toThrow('never closes {{#a}}');
      expect(() => render('x{{/a}}', {}, 'text')).toThrow('{{/a}}');
      expect(() => render('{{#a}}x{{/a}}', { a: 'yes' }, 'text')).toThrow('a boolean or a list for {{#a}}');
    });

    it('keeps a value that looks like a tag as text', () => {
      // Act & Assess
      expect(render('{{#rows}}{{name}}{{/rows}}{{secret}}', { rows: [{ name: '{{secret}}{{/rows}}' }], secret: 's' }, 'text')).toBe('{{secret}}{{/rows}}s');
    });
  });

  describe('subjectLine', () => {
    it('puts a subject on one line', () => {
      // Act & Assess
      expect(subjectLine('Hello\r\nBcc: victim@example.com')).toBe('Hello Bcc: victim@example.com');
      expect(subjectLine('  a\n\nb\u2028c  ')).toBe('a b c');
    });
  });

  describe('formatUtc', () => {
    it('writes a time unambiguously in UTC, and refuses a non-date', () => {
      // Act & Assess
      expect(formatUtc('2030-01-08T23:30:00+02:00')).toBe('Tue, 8 Jan 2030, 21:30 UTC');
      expect(() => formatUtc('soon')).toThrow('Not a date and time: soon');
    });
  });

  describe('countOf', () => {
    it('puts the noun in the number of the count', () => {
      // Act & Assess
      expect(countOf(1, 'headshot')).toBe('1 headshot');
      expect(countOf(3, 'headshot')).toBe('3 headshots');
      expect(countOf(0, 'credit')).toBe('0 credits');
      expect(countOf(1200, 'credit')).toBe('1,200 credits');
      expect(countOf(2, 'person', 'people')).toBe('2 people');
    });
  });
});
