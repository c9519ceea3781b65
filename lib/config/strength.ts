/**
 * The check the functions make of a shared secret (APP_PASSCODE, AUTH_JWT_SECRET): cheap, no
 * dictionary, so it adds nothing to a cold start. It refuses only the trivially weak; the doctor
 * and the deploy gate judge real strength with a maintained estimator (lib/doctor/checks/strength.ts).
 */

const COUNTING = '0123456789abcdefghijklmnopqrstuvwxyz'.repeat(4);

/** The same unit over and over: `aaaa...`, `abcabc...`, `letmein1letmein1`. */
function isRepetition(text: string): boolean {
  for (let unit = 1; unit <= text.length / 2; unit++) {
    if (text.length % unit === 0 && text.slice(0, unit).repeat(text.length / unit) === text) return true;
  }
  return false;
}

/** Every character one code point after (or before) the previous one: `abcdef...`, `987654...`. */
function isRun(text: string): boolean {
  for (const step of [1, -1]) {
    let run = true;
    for (let i = 1; i < text.length && run; i++) run = text.charCodeAt(i) - text.charCodeAt(i - 1) === step;
    if (run) return true;
  }
  return false;
}

/** Why a secret is trivially weak, or undefined when it is not (which does not make it strong). */
export function trivialWeakness(secret: string): string | undefined {
  if (new Set(secret).size < 5) return 'it uses fewer than 5 different characters';
  if (isRepetition(secret)) return 'it repeats one short piece';
  if (isRun(secret) || COUNTING.includes(secret.toLowerCase())) return 'it is a counting sequence';
  return undefined;
}
