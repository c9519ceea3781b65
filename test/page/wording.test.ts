/**
 * How the page words the token client's plan and its countdowns (assets/page/schedule.ts). The
 * rules themselves are the token client's (test/token-client); the browser test (test/e2e/page.test.ts)
 * shows them working on the page against the real service.
 */
import { describeRule, formatClock, formatLifetime } from '../../assets/page/schedule';
import { planRefresh } from '../../lib/token-client/schedule';

const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

test('countdown and lifetime texts', () => {
  expect([0, 9, 59, 600, 3599, 3600, 86_400].map(formatClock)).toEqual([
    '0:00',
    '0:09',
    '0:59',
    '10:00',
    '59:59',
    '1:00:00',
    '1 d 0:00:00',
  ]);
  expect([5, 90, 600, 3600, 5400, 86_400].map((s) => plain(formatLifetime(s)))).toEqual([
    '5 s',
    '1 min 30 s',
    '10 min',
    '1 h',
    '1 h 30 min',
    '24 h',
  ]);
});

test('each refresh rule in words', () => {
  expect([600, 120, 5].map((lifetime) => plain(describeRule(planRefresh(lifetime), lifetime)))).toEqual([
    'at 80% of the 10 min lifetime',
    '60 s before expiry',
    'at half of the 5 s lifetime (too short for 60 s of lead)',
  ]);
});
