/**
 * Renders an InspectionReport (lib/inspect): status and live countdown, times, what the grants
 * allow, the findings with their Twilio error codes, and the decoded header and payload. Used
 * for minted and pasted tokens alike.
 */
import type { Finding, InspectionReport, Severity } from '../../lib/inspect';
import { formatDuration } from '../../lib/inspect';
import { twilioErrorUrl, type TwilioErrorCode } from '../../lib/twilio';
import { h, localTime } from './dom';
import { formatClock, formatLifetime } from './schedule';

type LiveStatus = 'active' | 'expired' | 'not_yet_valid' | 'unknown';

const SEVERITY_LABEL: Record<Severity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };

function pluralize(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function verdictText(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return errors > 0 ? pluralize(errors, 'error') : warnings > 0 ? `No errors · ${pluralize(warnings, 'warning')}` : 'No errors';
}

function findingsList(findings: readonly Finding[], labelledBy: string): HTMLElement {
  return findings.length === 0
    ? h('p', { class: 'muted', text: 'Nothing to report.' })
    : h('ol', { class: 'findings', attrs: { 'aria-labelledby': labelledBy } }, ...findings.map(findingItem));
}

const twilioErrorLink = (code: TwilioErrorCode, text: string, className = 'finding-code'): HTMLAnchorElement =>
  h('a', {
    class: className,
    text,
    attrs: { href: twilioErrorUrl(code), rel: 'noreferrer noopener', target: '_blank', title: `Twilio error ${code} (opens twilio.com)` },
  });

/** One finding: severity, code (a Twilio code links to Twilio's page for it), field, message, fix. */
export function findingItem(finding: Finding): HTMLLIElement {
  const code =
    typeof finding.code === 'number'
      ? twilioErrorLink(finding.code, String(finding.code))
      : h(
          'span',
          { class: 'finding-code' },
          finding.code,
          finding.twilioCode !== undefined && ' (',
          finding.twilioCode !== undefined && twilioErrorLink(finding.twilioCode, `Twilio ${finding.twilioCode}`, 'twilio-code'),
          finding.twilioCode !== undefined && ')',
        );
  return h(
    'li',
    { class: `finding finding-${finding.severity}`, attrs: { 'data-code': String(finding.code), 'data-severity': finding.severity } },
    h(
      'div',
      { class: 'finding-top' },
      h('span', { class: `severity severity-${finding.severity}`, text: SEVERITY_LABEL[finding.severity] }),
      code,
      h('code', { class: 'finding-field', text: finding.field }),
    ),
    h('p', { class: 'finding-message', text: finding.message }),
    finding.hint !== '' && h('p', { class: 'finding-hint', text: finding.hint }),
  );
}

function jsonBlock(caption: string, value: unknown, id: string): HTMLElement {
  const text = value === undefined ? '(could not be decoded)' : JSON.stringify(value, null, 2);
  return h(
    'figure',
    { class: 'json' },
    h('figcaption', { text: caption, attrs: { id } }),
    h('pre', { attrs: { tabindex: '0', 'aria-labelledby': id } }, h('code', { text })),
  );
}

function timeRow(term: string, epochSeconds: number | undefined, iso: string | undefined, note?: string): HTMLElement[] {
  if (epochSeconds === undefined || iso === undefined) return [h('dt', { text: term }), h('dd', { text: 'not set' })];
  return [
    h('dt', { text: term }),
    h(
      'dd',
      {},
      h('time', { text: localTime(epochSeconds), attrs: { datetime: iso } }),
      h('span', { class: 'muted', text: ` ${iso.replace('.000Z', 'Z')}${note ? ` · ${note}` : ''}` }),
    ),
  ];
}

const SIGNATURE_TEXT: Record<InspectionReport['signature'], string> = {
  valid: 'Valid for the given secret',
  invalid: 'Does not match the secret',
  unknown: 'Not checked here: the secret stays on the server',
};

export interface ReportViewOptions {
  /** Prefix for element ids, so two reports can share the page. */
  idPrefix: string;
}

export class ReportView {
  readonly element: HTMLElement;
  /** Status, verdict and countdown: first in `element`, or placed elsewhere by the caller. */
  readonly head: HTMLElement;
  private readonly pill: HTMLElement;
  private readonly countdownValue: HTMLElement;
  private readonly countdownLabel: HTMLElement;
  private readonly lifeFill: HTMLElement;
  private readonly exp?: number;
  private readonly nbf?: number;
  private readonly lifetime?: number;
  private readonly verdict: HTMLElement;
  private findings: HTMLElement;
  private readonly findingsCount: HTMLElement;
  private readonly findingsTitleId: string;
  private shownFindings: string;

  constructor(
    readonly report: InspectionReport,
    options: ReportViewOptions,
  ) {
    const { times } = report;
    this.exp = times.expiresAt?.epochSeconds;
    this.nbf = times.notBefore?.epochSeconds;
    this.lifetime = times.lifetimeSeconds;

    const errors = report.findings.filter((f) => f.severity === 'error').length;

    this.pill = h('span', { class: 'pill' });
    this.countdownValue = h('span', { class: 'countdown-value' });
    this.countdownLabel = h('span', { class: 'countdown-label' });
    this.lifeFill = h('span', { class: 'life-fill' });
    const id = (name: string): string => `${options.idPrefix}-${name}`;

    const head = (this.head = h(
      'div',
      { class: 'report-head' },
      h(
        'div',
        { class: 'report-status' },
        this.pill,
        (this.verdict = h('span', {
          class: `verdict ${errors > 0 ? 'verdict-bad' : 'verdict-ok'}`,
          text: verdictText(report.findings),
          attrs: { 'data-testid': 'verdict' },
        })),
      ),
      h(
        'div',
        { class: 'countdown', attrs: { role: 'timer', 'aria-live': 'off', 'aria-atomic': 'true' } },
        this.countdownValue,
        this.countdownLabel,
      ),
      h('div', { class: 'life', attrs: { 'aria-hidden': 'true' } }, this.lifeFill),
    ));

    const facts = h(
      'dl',
      { class: 'facts' },
      h('dt', { text: 'Identity' }),
      h('dd', {}, report.identity !== undefined ? h('code', { text: report.identity }) : h('span', { class: 'muted', text: 'none' })),
      ...timeRow('Issued', times.issuedAt?.epochSeconds, times.issuedAt?.iso),
      ...(times.notBefore ? timeRow('Not before', times.notBefore.epochSeconds, times.notBefore.iso) : []),
      ...timeRow('Expires', times.expiresAt?.epochSeconds, times.expiresAt?.iso),
      h('dt', { text: 'Lifetime' }),
      h('dd', {
        text:
          this.lifetime === undefined
            ? 'unknown'
            : this.lifetime < 60
              ? formatLifetime(this.lifetime)
              : `${formatLifetime(this.lifetime)} (${this.lifetime}\u00a0s)`,
      }),
      h('dt', { text: 'Signature' }),
      h('dd', { text: SIGNATURE_TEXT[report.signature] }),
    );

    const grants =
      report.grants.length === 0
        ? h('p', { class: 'muted', text: 'No product grant: this token lets its holder do nothing.' })
        : h(
            'ul',
            { class: 'grants', attrs: { 'aria-labelledby': id('grants-title') } },
            ...report.grants.map((grant) =>
              h(
                'li',
                { class: 'grant', attrs: { 'data-grant': grant.key } },
                h('span', { class: 'grant-product', text: grant.product }),
                h('ul', { class: 'abilities' }, ...grant.abilities.map((ability) => h('li', { text: ability }))),
              ),
            ),
          );

    this.findingsTitleId = id('findings-title');
    this.findings = findingsList(report.findings, this.findingsTitleId);
    this.findingsCount = h('span', { class: 'count', text: String(report.findings.length) });
    this.shownFindings = JSON.stringify(report.findings);

    this.element = h(
      'div',
      { class: 'report' },
      head,
      facts,
      h('h3', { text: 'What the holder can do', attrs: { id: id('grants-title') } }),
      grants,
      h('h3', { attrs: { id: this.findingsTitleId } }, 'Findings ', this.findingsCount),
      this.findings,
      h('h3', { text: 'Decoded' }),
      h('div', { class: 'decoded' }, jsonBlock('Header', report.header, id('header')), jsonBlock('Payload', report.payload, id('payload'))),
    );
    this.tick(Date.now());
  }

  /**
   * The same token judged again at a later moment: findings and verdict follow the clock (a
   * finding's "expired 14 s ago" agrees with the countdown). Replaces the DOM only on change.
   */
  update(report: InspectionReport): void {
    const shown = JSON.stringify(report.findings);
    if (shown === this.shownFindings) return;
    this.shownFindings = shown;
    const items = [...this.findings.querySelectorAll<HTMLLIElement>(':scope > li')];
    const sameCodes = items.length === report.findings.length && report.findings.every((f, i) => items[i]?.dataset.code === String(f.code));
    if (sameCodes && items.length > 0) {
      // Only the wording moved on ("expired 15 s ago"): change the text, keep the nodes (and any focus in them).
      report.findings.forEach((finding, i) => {
        const item = items[i] as HTMLLIElement;
        const message = item.querySelector<HTMLElement>('.finding-message');
        const hint = item.querySelector<HTMLElement>('.finding-hint');
        if (message !== null) setText(message, finding.message);
        if (hint !== null) setText(hint, finding.hint);
      });
      return;
    }
    const list = findingsList(report.findings, this.findingsTitleId);
    this.findings.replaceWith(list);
    this.findings = list;
    setText(this.findingsCount, String(report.findings.length));
    setText(this.verdict, verdictText(report.findings));
    const bad = report.findings.some((f) => f.severity === 'error');
    this.verdict.className = `verdict ${bad ? 'verdict-bad' : 'verdict-ok'}`;
  }

  private liveStatus(nowSeconds: number): LiveStatus {
    if (this.exp === undefined) return 'unknown';
    if (this.exp <= nowSeconds) return 'expired';
    if (this.nbf !== undefined && this.nbf > nowSeconds) return 'not_yet_valid';
    return 'active';
  }

  /** Updates the countdown; cheap enough to call every second. */
  tick(nowMs: number): void {
    const now = nowMs / 1000;
    const status = this.liveStatus(now);
    let pill: string;
    let value: string;
    let label: string;
    let fraction = 0;
    switch (status) {
      case 'active': {
        const left = (this.exp as number) - now;
        pill = 'Active';
        value = formatClock(Math.ceil(left));
        label = this.lifetime !== undefined ? `left of ${formatLifetime(this.lifetime)}` : 'left';
        fraction = this.lifetime !== undefined && this.lifetime > 0 ? Math.min(1, left / this.lifetime) : 1;
        break;
      }
      case 'expired':
        pill = 'Expired';
        value = `${formatDuration(now - (this.exp as number))} ago`;
        label = 'since it expired';
        break;
      case 'not_yet_valid':
        pill = 'Not yet valid';
        value = formatClock(Math.ceil((this.nbf as number) - now));
        label = 'until valid';
        break;
      default:
        pill = 'No expiry';
        value = '—';
        label = 'no usable exp claim';
    }
    setText(this.pill, pill);
    this.pill.className = `pill pill-${status}`;
    setText(this.countdownValue, value);
    setText(this.countdownLabel, label);
    this.lifeFill.style.width = `${(fraction * 100).toFixed(2)}%`;
    this.lifeFill.className = `life-fill${fraction < 0.2 ? ' life-low' : ''}`;
  }
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
