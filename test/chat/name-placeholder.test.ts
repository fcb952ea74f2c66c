import { describe, expect, it } from 'vitest';
import { fillName } from '../../src/chat/screens/name-placeholder.js';
import { translator } from '../../src/chat/i18n.js';

const fa = translator('fa');
const en = translator('en');

describe('{name} in a merchant text', () => {
  it('is the member’s name when there is one', () => {
    expect(fillName('سلام {name} عزیز!', 'سارا', fa)).toBe('سلام سارا عزیز!');
  });

  it('without a name reads as a clean sentence: no repeated word of endearment', () => {
    expect(fillName('سلام {name} عزیز!', null, fa)).toBe('سلام دوست عزیز!');
    expect(fillName('سلام {name}‌ جان، یلدا مبارک', null, fa)).toBe('سلام دوست‌ جان، یلدا مبارک');
    expect(fillName('{name} گرامی، خوش آمدید', null, fa)).toBe('دوست گرامی، خوش آمدید');
    expect(fillName('سلام {name}! حراج شروع شد.', null, fa)).toBe('سلام دوست عزیز! حراج شروع شد.');
    expect(fillName('{name}، سلام عزیز', '  ', fa)).toBe('دوست عزیز، سلام عزیز');
    expect(fillName('Dear {name}, welcome!', null, en)).toBe('Dear friend, welcome!');
    expect(fillName('Hi {name}!', null, en)).toBe('Hi dear friend!');
  });
});
