/**
 * "Inspect a token": whatever is pasted or dropped (a token, a header line, a DevTools copy, a
 * HAR file of any size) is inspected here, by the same engine as POST /inspect and the CLI (in a
 * worker: inspector.ts), and never leaves the page. Several tokens: a list to pick from. No
 * token: what the text is instead.
 */
import {
  foundTokens,
  inspectToken,
  supportReport,
  type FoundTokenReport,
  type PasteInspection,
  type TextInspection,
} from '../../lib/inspect';
import { copyText } from './clipboard';
import { byId, h, localClock } from './dom';
import { Inspector } from './inspector';
import { findingItem, ReportView } from './report';

/** Why the text was inspected: a deliberate act (paste, drop, file, submit) brings the verdict into view. */
type Trigger = 'typing' | 'paste' | 'file' | 'submit';

interface Shown {
  inspection: TextInspection;
  /** The chosen report and the others, in the order of the list. */
  reports: FoundTokenReport[];
  selected: number;
  view: ReportView;
}

/** Pasted text longer than this is held like a file rather than put in the box (a HAR, a log dump: read, not edited). */
const MAX_BOX_CHARS = 64 * 1024;

const formatBytes = (bytes: number): string =>
  bytes < 1024 ? `${bytes} bytes` : bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;

export class PasteView {
  private readonly form = byId('paste-form', HTMLFormElement);
  private readonly input = byId('paste-input', HTMLTextAreaElement);
  private readonly clear = byId('paste-clear', HTMLButtonElement);
  private readonly fileInput = byId('paste-file', HTMLInputElement);
  private readonly fileStatus = byId('paste-file-status', HTMLParagraphElement);
  private readonly dropZone = byId('inspect', HTMLElement);
  private readonly title = byId('paste-title', HTMLHeadingElement);
  private readonly empty = byId('paste-empty', HTMLParagraphElement);
  private readonly source = byId('paste-source', HTMLParagraphElement);
  private readonly choices = byId('paste-choices', HTMLDivElement);
  private readonly choicesTitle = byId('paste-choices-title', HTMLParagraphElement);
  private readonly choicesList = byId('paste-choices-list', HTMLOListElement);
  private readonly report = byId('paste-report', HTMLDivElement);
  private readonly actions = byId('paste-actions', HTMLDivElement);
  private readonly copyButton = byId('copy-report', HTMLButtonElement);
  private readonly copyStatus = byId('copy-report-status', HTMLSpanElement);

  /** A chosen or dropped file, read by the inspector rather than put in the textarea (a HAR of many MB would make typing crawl). */
  private file: File | undefined;
  private readonly inspector: Inspector;
  private shown: Shown | undefined;
  private noToken: PasteInspection | undefined;
  private sequence = 0;
  private typingTimer: number | undefined;
  private pasted = false;
  private rejudging = false;

  /** Settles once the inspector's worker has loaded (or could not): the page is ready with it. */
  readonly ready: Promise<void>;

  constructor(private readonly announce: (text: string) => void) {
    this.inspector = new Inspector(document.querySelector<HTMLScriptElement>('script[data-worker-src]')?.dataset.workerSrc);
    this.ready = this.inspector.ready;
    this.input.addEventListener('paste', (event) => {
      const text = event.clipboardData?.getData('text/plain') ?? '';
      if (text.length <= MAX_BOX_CHARS) {
        this.pasted = true;
        return;
      }
      // Held like a dropped file: laid out in the box, 64,000 short lines block the page for seconds (issue 17).
      event.preventDefault();
      void this.readFile(new File([text], 'Pasted text', { type: 'text/plain' }));
    });
    this.input.addEventListener('input', () => {
      this.dropFile();
      const trigger: Trigger = this.pasted ? 'paste' : 'typing';
      this.pasted = false;
      window.clearTimeout(this.typingTimer);
      this.typingTimer = window.setTimeout(() => void this.inspect(trigger), trigger === 'paste' ? 0 : 150);
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      window.clearTimeout(this.typingTimer);
      void this.inspect('submit');
    });
    this.clear.addEventListener('click', () => {
      this.input.value = '';
      this.dropFile();
      void this.inspect('typing');
      this.input.focus();
    });
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file !== undefined) void this.readFile(file);
    });
    // The whole section takes a dropped file; without preventDefault the browser would open it instead.
    this.dropZone.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      this.dropZone.classList.add('is-dragging');
    });
    this.dropZone.addEventListener('dragleave', (event) => {
      if (event.relatedTarget === null || !this.dropZone.contains(event.relatedTarget as Node))
        this.dropZone.classList.remove('is-dragging');
    });
    this.dropZone.addEventListener('drop', (event) => {
      const file = event.dataTransfer?.files[0];
      if (file === undefined) return;
      event.preventDefault();
      this.dropZone.classList.remove('is-dragging');
      void this.readFile(file);
    });
    this.copyButton.addEventListener('click', () => void this.copyReport());
  }

  /** The verdict's live parts: the countdown every second, and the findings judged again at the same moment. */
  tick(now: number): void {
    const shown = this.shown;
    if (shown === undefined) return;
    shown.view.tick(now);
    const token = shown.reports[shown.selected]?.token;
    if (token === undefined || this.rejudging) return;
    this.rejudging = true;
    void inspectToken(token, { now }).then((again) => {
      this.rejudging = false;
      if (this.shown === shown) shown.view.update(again);
    });
  }

  private dropFile(): void {
    if (this.file === undefined) return;
    this.file = undefined;
    this.fileInput.value = '';
    this.fileStatus.textContent = 'Choose it or drop it here. It is read in this browser, never uploaded.';
  }

  private async readFile(file: File): Promise<void> {
    this.file = file;
    this.input.value = '';
    this.fileStatus.textContent = `Reading ${file.name} (${formatBytes(file.size)})…`;
    await this.inspect('file');
  }

  private async inspect(trigger: Trigger): Promise<void> {
    const sequence = ++this.sequence;
    const file = this.file;
    const input = file ?? this.input.value;
    if (typeof input === 'string' && input.trim() === '') {
      this.inspector.cancel();
      this.show(undefined);
      return;
    }
    const inspection = await this.inspector.inspect(input);
    if (sequence !== this.sequence || inspection === undefined) return;
    if (file !== undefined) this.fileStatus.textContent = `${file.name} (${formatBytes(file.size)}), read in this browser, not uploaded.`;
    this.show(inspection);
    if (trigger !== 'typing') {
      // On a phone the report is below the form: bring its verdict into view, and focus there.
      if (this.title.getBoundingClientRect().top > window.innerHeight * 0.4 || this.title.getBoundingClientRect().top < 0)
        this.title.scrollIntoView({ block: 'start' });
      this.title.focus({ preventScroll: true });
      this.announce(this.summary(inspection));
    }
  }

  private summary(inspection: PasteInspection): string {
    if (!foundTokens(inspection)) return 'No Access Token found in the text.';
    const many = inspection.found > 1 ? `${inspection.found} tokens found; ` : '';
    return `${many}report ready: ${inspection.valid ? 'no errors' : 'the token has errors'}.`;
  }

  private show(inspection: PasteInspection | undefined): void {
    this.shown = undefined;
    this.noToken = undefined;
    this.copyStatus.textContent = '';
    this.empty.hidden = inspection !== undefined;
    this.actions.hidden = inspection === undefined;
    this.report.dataset.found = inspection === undefined ? '' : String(inspection.found);
    if (inspection === undefined) {
      this.source.hidden = true;
      this.choices.hidden = true;
      this.report.replaceChildren();
      return;
    }
    if (!foundTokens(inspection)) {
      this.noToken = inspection;
      this.source.hidden = true;
      this.choices.hidden = true;
      this.report.replaceChildren(
        h(
          'div',
          { class: 'report' },
          h(
            'div',
            { class: 'report-head' },
            h(
              'div',
              { class: 'report-status' },
              h('span', { class: 'pill pill-unknown', text: 'No token' }),
              h('span', { class: 'verdict verdict-bad', text: 'Not an Access Token', attrs: { 'data-testid': 'verdict' } }),
            ),
          ),
          h('ol', { class: 'findings' }, ...inspection.findings.map(findingItem)),
        ),
      );
      return;
    }
    const reports = [inspection, ...inspection.tokens];
    this.shown = { inspection, reports, selected: 0, view: this.viewOf(inspection) };
    this.renderChoices();
    this.select(0);
  }

  private viewOf(report: FoundTokenReport): ReportView {
    return new ReportView(report, { idPrefix: 'pasted' });
  }

  private renderChoices(): void {
    const shown = this.shown as Shown;
    const { found } = shown.inspection;
    this.choices.hidden = found < 2;
    if (found < 2) return;
    const listed = shown.reports.length < found ? ` (the ${shown.reports.length} shown here)` : '';
    this.choicesTitle.textContent = `${found} tokens found${listed}. Showing the one Twilio would have seen last; pick another:`;
    this.choicesList.replaceChildren(
      ...shown.reports.map((report, index) => {
        const sent =
          report.seen !== undefined
            ? ` · sent ${localClock(Date.parse(report.seen.first))}–${localClock(Date.parse(report.seen.last))}`
            : '';
        const button = h(
          'button',
          { class: 'choice', attrs: { type: 'button', 'aria-pressed': 'false', 'data-index': String(index) } },
          h('span', { class: `pill ${report.valid ? 'pill-active' : 'pill-expired'}`, text: report.valid ? 'Valid' : 'Invalid' }),
          h('span', {
            class: 'choice-text',
            text: `${report.identity !== undefined ? `${report.identity} · ` : ''}${report.times.summary}${sent}`,
          }),
          h('span', { class: 'choice-source muted', text: report.source }),
        );
        button.addEventListener('click', () => this.select(index));
        return h('li', {}, button);
      }),
    );
  }

  private select(index: number): void {
    const shown = this.shown;
    const report = shown?.reports[index];
    if (shown === undefined || report === undefined) return;
    shown.selected = index;
    if (shown.view.report !== report) shown.view = this.viewOf(report);
    this.source.hidden = false;
    this.source.textContent = `Found in: ${report.source}.`;
    for (const button of this.choicesList.querySelectorAll<HTMLButtonElement>('button.choice'))
      button.setAttribute('aria-pressed', String(button.dataset.index === String(index)));
    this.report.replaceChildren(shown.view.element);
    this.copyStatus.textContent = '';
  }

  /** The report of the selected token (the others listed after it), as text for Twilio Support. */
  private reportText(): string | undefined {
    if (this.noToken !== undefined) return supportReport(this.noToken);
    const shown = this.shown;
    if (shown === undefined) return undefined;
    const selected = shown.reports[shown.selected] as FoundTokenReport;
    const others = shown.reports.filter((_, i) => i !== shown.selected);
    return supportReport({ ...selected, found: shown.inspection.found, tokens: others });
  }

  private async copyReport(): Promise<void> {
    const text = this.reportText();
    if (text === undefined) return;
    const copied = await copyText(text);
    this.copyStatus.textContent = copied ? 'Report copied: paste it into your support ticket.' : 'Copying was refused by the browser.';
    this.copyStatus.classList.toggle('is-error', !copied);
  }
}
