/**
 * The page: mint a token through this service's /token, inspect it locally, watch it expire,
 * refresh it automatically; and inspect pasted tokens without sending them anywhere.
 */
import { inspectToken, type InspectionReport } from '../../lib/inspect';
import { fetchToken, requestBody, type MintedToken, type TokenError } from './api';
import { copyText } from './clipboard';
import { byId, h, localClock } from './dom';
import { renderFormRules, TokenFormView } from './form';
import { Refresher, type FetchOutcome, type RefreshState } from './refresh';
import { PasteView } from './paste';
import { ReportView } from './report';
import { formatClock, isRetryable } from './schedule';

interface MintedState {
  minted: MintedToken;
  /** The request that produced it: refreshes ask for the same token again. */
  body: Record<string, unknown>;
  view: ReportView;
}

function announce(text: string): void {
  const region = byId('announce', HTMLParagraphElement);
  region.textContent = '';
  // A change of text is what screen readers announce; clear first so a repeat is read too.
  window.setTimeout(() => (region.textContent = text), 50);
}

/** The three parts in three colours, as people know them from JWT debuggers. */
function renderTokenParts(container: HTMLElement, token: string): void {
  const [header = '', payload = '', signature = ''] = token.split('.');
  container.replaceChildren(
    h('span', { class: 'jwt-header', text: header }),
    h('span', { class: 'jwt-dot', text: '.' }),
    h('span', { class: 'jwt-payload', text: payload }),
    h('span', { class: 'jwt-dot', text: '.' }),
    h('span', { class: 'jwt-signature', text: signature }),
  );
}

export function startPage(): void {
  renderFormRules();
  const form = new TokenFormView();
  const resultEmpty = byId('result-empty', HTMLParagraphElement);
  const resultBody = byId('result-body', HTMLDivElement);
  const resultTitle = byId('result-title', HTMLHeadingElement);
  const tokenText = byId('token-text', HTMLElement);
  const mintedHead = byId('minted-head', HTMLDivElement);
  const mintedReport = byId('minted-report', HTMLDivElement);
  const copyButton = byId('copy-token', HTMLButtonElement);
  const copyStatus = byId('copy-status', HTMLSpanElement);
  const refreshToggle = byId('auto-refresh', HTMLInputElement);
  const refreshNext = byId('refresh-next', HTMLParagraphElement);
  const refreshLog = byId('refresh-log', HTMLParagraphElement);

  let current: MintedState | undefined;
  let inFlight: AbortController | undefined;

  async function showMinted(minted: MintedToken, body: Record<string, unknown>, report?: InspectionReport): Promise<void> {
    // No secret in the browser: the signature is reported as unknown (info 20107), the rest is checked.
    const inspected = report ?? (await inspectToken(minted.token));
    const view = new ReportView(inspected, { idPrefix: 'minted' });
    current = { minted, body, view };
    resultTitle.textContent = minted.identity !== '' ? `Token for ${minted.identity}` : 'Token';
    renderTokenParts(tokenText, minted.token);
    // Status and countdown above the token, the details below it.
    mintedHead.replaceChildren(view.head);
    mintedReport.replaceChildren(view.element);
    resultEmpty.hidden = true;
    resultBody.hidden = false;
    copyStatus.textContent = '';
  }

  // The findings follow the clock as the countdown does: judged again each second (cheap without a secret).
  let rejudging = false;
  function rejudgeMinted(now: number): void {
    const shown = current;
    if (shown === undefined || rejudging) return;
    rejudging = true;
    void inspectToken(shown.minted.token, { now }).then((again) => {
      rejudging = false;
      if (current === shown) shown.view.update(again);
    });
  }

  /**
   * Posts /token; on success shows the token and returns its arrival, on failure the error. A
   * request from the form replaces one under way; a refresh never cancels the form's request.
   */
  async function mint(
    body: Record<string, unknown>,
    from: 'form' | 'refresh',
  ): Promise<{ ok: true; receivedAt: number; lifetimeSeconds: number; minted: MintedToken } | { ok: false; error: TokenError }> {
    if (from === 'refresh' && inFlight !== undefined)
      return { ok: false, error: { code: 'aborted', message: 'A token request is already under way.' } };
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const credential = form.credential();
    const result = await fetchToken(body, credential, controller.signal);
    if (inFlight === controller) inFlight = undefined;
    if (!result.ok) return result;
    const receivedAt = Date.now();
    form.rememberCredential(credential);
    const report = await inspectToken(result.minted.token);
    await showMinted(result.minted, body, report);
    const lifetimeSeconds = report.times.lifetimeSeconds ?? result.minted.ttl;
    return { ok: true, receivedAt, lifetimeSeconds, minted: result.minted };
  }

  const refresher = new Refresher(
    async (): Promise<FetchOutcome> => {
      if (current === undefined) return { ok: false, retryable: false, message: 'There is no token to refresh.' };
      const outcome = await mint(current.body, 'refresh');
      if (outcome.ok) return { ok: true, receivedAt: outcome.receivedAt, lifetimeSeconds: outcome.lifetimeSeconds };
      if (outcome.error.code === 'aborted') return { ok: false, aborted: true, retryable: false, message: outcome.error.message };
      const retryable = isRetryable(outcome.error.status);
      if (!retryable) form.showError(outcome.error);
      return { ok: false, retryable, message: outcome.error.message };
    },
    (state) => renderRefresh(state),
  );

  function renderRefresh(state: Readonly<RefreshState>): void {
    if (refreshToggle.checked !== state.enabled) refreshToggle.checked = state.enabled;
    let next: string;
    if (state.inFlight) next = 'Fetching a new token…';
    else if (!state.enabled)
      next = 'Off. When on, the next token is fetched at 80% of the lifetime or 60\u00a0s before expiry, whichever is earlier.';
    else if (state.nextAt !== undefined)
      next = `Next refresh at ${localClock(state.nextAt)} (in ${formatClock(Math.ceil(Math.max(0, state.nextAt - Date.now()) / 1000))}), ${state.reason ?? ''}.`;
    else next = 'On.';
    if (refreshNext.textContent !== next) refreshNext.textContent = next;
    refreshNext.dataset.state = state.inFlight ? 'fetching' : state.enabled ? (state.failures > 0 ? 'retrying' : 'scheduled') : 'off';
    let log = '';
    if (state.stoppedBecause !== undefined) log = `Refresh stopped: ${state.stoppedBecause}`;
    else if (state.failures > 0) log = `Refresh failed: ${state.lastError ?? 'unknown error'}`;
    else if (state.refreshed > 0 && state.lastRefreshAt !== undefined)
      log = `Refreshed ${state.refreshed} time${state.refreshed === 1 ? '' : 's'}, last at ${localClock(state.lastRefreshAt)}.`;
    if (refreshLog.textContent !== log) refreshLog.textContent = log;
    refreshLog.classList.toggle('is-error', state.failures > 0 || state.stoppedBecause !== undefined);
  }

  form.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      form.clearErrors();
      form.setBusy(true);
      const body = requestBody(form.read());
      const outcome = await mint(body, 'form');
      form.setBusy(false);
      if (outcome.ok) {
        refresher.tokenReceived(outcome.receivedAt, outcome.lifetimeSeconds);
        // On a phone the result is below the form: bring it to the top of the screen, and keyboard focus there.
        if (resultTitle.getBoundingClientRect().top > window.innerHeight * 0.4) resultTitle.scrollIntoView({ block: 'start' });
        resultTitle.focus({ preventScroll: true });
        announce(`Token for ${outcome.minted.identity} ready; ${current?.view.report.times.summary ?? ''}.`);
      } else if (outcome.error.code !== 'aborted') {
        form.showError(outcome.error);
      }
    })();
  });

  refreshToggle.addEventListener('change', () => refresher.setEnabled(refreshToggle.checked));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresher.wake();
  });

  copyButton.addEventListener('click', () => {
    if (current === undefined) return;
    const token = current.minted.token;
    void copyText(token).then((copied) => {
      copyStatus.textContent = copied ? 'Copied to the clipboard.' : 'Copying was refused: select the token and copy it by hand.';
      copyStatus.classList.toggle('is-error', !copied);
      if (!copied) window.getSelection()?.selectAllChildren(tokenText);
      window.setTimeout(() => {
        if (copyStatus.textContent?.startsWith('Copied')) copyStatus.textContent = '';
      }, 4000);
    });
  });

  // Pasted text and dropped files: inspected here, and only here.
  const pasteView = new PasteView(announce);

  // One clock for every countdown, on the second boundary so they change together.
  const tick = (): void => {
    const now = Date.now();
    current?.view.tick(now);
    rejudgeMinted(now);
    pasteView.tick(now);
    renderRefresh(refresher.current);
    window.setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
  document.documentElement.dataset.ready = 'true';
}
