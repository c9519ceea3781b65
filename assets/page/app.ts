/**
 * The page: mint a token through this service's /token, inspect it locally, watch it expire,
 * refresh it automatically; and inspect pasted tokens without sending them anywhere.
 */
import { inspectToken } from '../../lib/inspect';
import {
  createTokenClient,
  type CurrentToken,
  type TokenClient,
  type TokenClientError,
  type TokenClientStatus,
} from '../../lib/token-client';
import { planRefresh, retryBaseSeconds } from '../../lib/token-client/schedule';
import { fetchProducts, requestBody, type TokenRequestBody } from './api';
import { copyText } from './clipboard';
import { byId, h, localClock } from './dom';
import { renderFormRules, TokenFormView } from './form';
import { PasteView } from './paste';
import { ReportView } from './report';
import { describeRule, formatClock } from './schedule';

interface MintedState {
  minted: CurrentToken;
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
  void fetchProducts().then((products) => products !== undefined && form.applyProducts(products));
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
  /** The token client of the last form submission: it mints, refreshes and reports (lib/token-client, as apps use it). */
  let client: TokenClient | undefined;
  let lastRefreshAt: number | undefined;

  async function showMinted(minted: CurrentToken): Promise<void> {
    // No secret in the browser: the signature is reported as unknown (info 20107), the rest is checked.
    const view = new ReportView(await inspectToken(minted.token), { idPrefix: 'minted' });
    current = { minted, view };
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

  function refreshReason(status: Readonly<TokenClientStatus>): string {
    if (status.rule === 'retry') return `retry ${status.failures} after a failed refresh, ${retryBaseSeconds(status.failures)} s backoff`;
    if (status.rule === null || status.lifetimeSeconds === null) return '';
    return describeRule(planRefresh(status.lifetimeSeconds), status.lifetimeSeconds);
  }

  function renderRefresh(): void {
    const status = client?.status;
    const enabled = refreshToggle.checked;
    let next: string;
    if (status?.fetching === true && current !== undefined) next = 'Fetching a new token…';
    else if (!enabled)
      next = 'Off. When on, the next token is fetched at 80% of the lifetime or 60\u00a0s before expiry, whichever is earlier.';
    else if (status?.nextRefreshAt != null)
      next = `Next refresh at ${localClock(status.nextRefreshAt)} (in ${formatClock(Math.ceil(Math.max(0, status.nextRefreshAt - Date.now()) / 1000))}), ${refreshReason(status)}.`;
    else next = 'On.';
    if (refreshNext.textContent !== next) refreshNext.textContent = next;
    refreshNext.dataset.state =
      status?.fetching === true ? 'fetching' : enabled ? ((status?.failures ?? 0) > 0 ? 'retrying' : 'scheduled') : 'off';
    let log = '';
    const refreshed = Math.max(0, (status?.received ?? 0) - 1);
    if (status?.stopped === true && status.lastError !== null) log = `Refresh stopped: ${status.lastError.message}`;
    else if (status !== undefined && status.failures > 0 && status.lastError !== null) log = `Refresh failed: ${status.lastError.message}`;
    else if (refreshed > 0 && lastRefreshAt !== undefined)
      log = `Refreshed ${refreshed} time${refreshed === 1 ? '' : 's'}, last at ${localClock(lastRefreshAt)}.`;
    if (refreshLog.textContent !== log) refreshLog.textContent = log;
    refreshLog.classList.toggle('is-error', status !== undefined && (status.failures > 0 || status.stopped));
  }

  /** A token client for what the form asks; the previous one is stopped (its request under way aborted). */
  function startClient(body: TokenRequestBody, credential: string | undefined): TokenClient {
    client?.stop();
    lastRefreshAt = undefined;
    const next = createTokenClient({
      ...body,
      // As typed when it is not a number: the service's invalid_ttl names what was sent.
      ttl: body.ttl as number | undefined,
      // Relative, so the page works wherever the service serves it.
      url: 'token',
      getAuthorization: () => (credential !== undefined && credential !== '' ? `Bearer ${credential}` : undefined),
      autoRefresh: refreshToggle.checked,
    });
    let first = true;
    next.on('token', (_token, minted) => {
      if (client !== next) return;
      if (!first) lastRefreshAt = Date.now();
      first = false;
      void showMinted(minted);
      renderRefresh();
    });
    next.on('status', () => {
      if (client === next) renderRefresh();
    });
    next.on('error', (error) => {
      // A refresh refused for a reason only a person can fix: say why, where the form says it, and turn refreshing off.
      if (client !== next || first) return;
      form.showError(error);
      refreshToggle.checked = false;
      next.setAutoRefresh(false);
      renderRefresh();
    });
    client = next;
    return next;
  }

  form.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      form.clearErrors();
      form.setBusy(true);
      const credential = form.credential();
      const started = startClient(requestBody(form.read()), credential);
      try {
        const token = await started.getToken();
        if (client !== started) return;
        form.rememberCredential(credential);
        if (current?.minted.token !== token && started.current !== null) await showMinted(started.current);
        // On a phone the result is below the form: bring it to the top of the screen, and keyboard focus there.
        if (resultTitle.getBoundingClientRect().top > window.innerHeight * 0.4) resultTitle.scrollIntoView({ block: 'start' });
        resultTitle.focus({ preventScroll: true });
        announce(`Token for ${started.current?.identity ?? ''} ready; ${current?.view.report.times.summary ?? ''}.`);
      } catch (error) {
        if (client !== started) return;
        started.stop();
        form.showError(error as TokenClientError);
      } finally {
        if (client === started || client === undefined) form.setBusy(false);
      }
      renderRefresh();
    })();
  });

  refreshToggle.addEventListener('change', () => {
    client?.setAutoRefresh(refreshToggle.checked);
    renderRefresh();
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
    renderRefresh();
    window.setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  tick();
  void pasteView.ready.then(() => (document.documentElement.dataset.ready = 'true'));
}
