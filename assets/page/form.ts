/**
 * The "Get a token" form: reads what the person chose, keeps grant-specific options enabled
 * only with their grant, and puts the service's errors next to the field they are about.
 */
import type { ProductAnswer } from '../../lib/contract';
import { formatDuration } from '../../lib/inspect';
import { GRANT_NAMES, PRODUCT_PARAMS, productOf, type GrantName, type ProductParam } from '../../lib/products';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../lib/twilio';
import type { TokenError, TokenForm } from './api';
import { byId, h } from './dom';

/** `error.field` from /token -> the id of the input (or group) it is about; a product option's id is its name. */
const FIELD_TARGETS: Record<string, string> = {
  identity: 'identity',
  grants: 'grants',
  ttl: 'ttl',
  ...Object.fromEntries(PRODUCT_PARAMS.map(({ name }) => [name, name])),
  Authorization: 'auth',
  passcode: 'auth',
};

/** Codes that are about the service or the caller's standing, not one input: a banner says them. */
const BANNER_TITLES: Partial<Record<string, string>> = {
  config_error: 'The service is misconfigured',
  origin_not_allowed: 'This page may not call the service',
  unauthorized: 'The service needs a passcode or sign-in token',
  auth_unavailable: 'Sign-in cannot be checked right now',
  internal_error: 'The service failed',
  network_error: 'The service could not be reached',
  timeout: 'The service did not answer',
};

const AUTH_STORAGE_KEY = 'token-service.authorization';

function readStoredCredential(): string | undefined {
  try {
    return sessionStorage.getItem(AUTH_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Only sessionStorage: gone when the tab closes, never shared with other tabs, never sent
 * anywhere by the browser on its own (unlike a cookie).
 */
function storeCredential(value: string | undefined): void {
  try {
    if (value === undefined || value === '') sessionStorage.removeItem(AUTH_STORAGE_KEY);
    else sessionStorage.setItem(AUTH_STORAGE_KEY, value);
  } catch {
    // Storage disabled: the field still works for this page view.
  }
}

/** One product option's field: its control (id = the parameter's name), hint and error line. */
function optionField(param: ProductParam): HTMLDivElement {
  const described = { 'aria-describedby': `${param.name}-hint ${param.name}-error` };
  const hint = h('p', { class: 'hint', text: param.hint, attrs: { id: `${param.name}-hint` } });
  const error = h('p', { class: 'field-error', attrs: { id: `${param.name}-error` } });
  if (param.input === 'checkbox') {
    const box = h('input', { attrs: { type: 'checkbox', id: param.name, ...described } });
    box.checked = param.checked === true;
    const label = h('label', { class: 'check' }, box, h('span', { text: param.label }));
    return h('div', { class: 'field', attrs: { id: `${param.name}-field` } }, label, hint, error);
  }
  const input = h('input', {
    attrs: { type: 'text', id: param.name, autocomplete: 'off', spellcheck: 'false', placeholder: param.placeholder ?? '', ...described },
  });
  const label = h('label', { text: param.label, attrs: { for: param.name } });
  return h('div', { class: 'field', attrs: { id: `${param.name}-field` } }, label, input, hint, error);
}

/**
 * The grant checkboxes, each product's options and the TTL limit come from lib/products and
 * lib/twilio, not from the HTML: call before TokenFormView.
 */
export function renderFormRules(): void {
  byId('grant-choices', HTMLDivElement).replaceChildren(
    ...GRANT_NAMES.map((grant) => {
      const box = h('input', { attrs: { type: 'checkbox', id: `grant-${grant}`, value: grant, 'aria-describedby': 'grants-error' } });
      box.checked = grant === 'voice';
      return h('label', { class: 'check' }, box, h('span', { text: productOf(grant).title }));
    }),
  );
  byId('product-options', HTMLDivElement).replaceChildren(...GRANT_NAMES.flatMap((grant) => productOf(grant).params.map(optionField)));
  byId('ttl-hint', HTMLParagraphElement).textContent =
    `Seconds, 1 to ${MAX_TOKEN_LIFETIME_SECONDS} (Twilio's ${formatDuration(MAX_TOKEN_LIFETIME_SECONDS)} limit). Empty: the service's default.`;
}

export class TokenFormView {
  readonly form = byId('token-form', HTMLFormElement);
  private readonly identity = byId('identity', HTMLInputElement);
  private readonly grantBoxes = GRANT_NAMES.map((grant) => byId(`grant-${grant}`, HTMLInputElement));
  private readonly ttl = byId('ttl', HTMLInputElement);
  /** Each product option's control, with the grant it belongs to. */
  private readonly options = PRODUCT_PARAMS.map(({ grant, name }) => ({
    grant,
    name,
    control: byId(name, HTMLInputElement),
    field: byId(`${name}-field`, HTMLDivElement),
  }));
  private readonly authField = byId('auth-field', HTMLDivElement);
  private readonly auth = byId('auth', HTMLInputElement);
  private readonly authReveal = byId('auth-reveal', HTMLButtonElement);
  private readonly authForget = byId('auth-forget', HTMLButtonElement);
  private readonly submit = byId('submit', HTMLButtonElement);
  private readonly banner = byId('form-banner', HTMLDivElement);

  constructor() {
    this.form.addEventListener('change', () => this.syncDependentFields());
    this.syncDependentFields();
    // Editing a field takes its error away: the message was about the old value.
    this.form.addEventListener('input', (event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement)
        this.clearFieldError(target.type === 'checkbox' && target.id.startsWith('grant-') ? 'grants' : target.id);
    });
    this.authReveal.addEventListener('click', () => this.revealAuth(true));
    this.authForget.addEventListener('click', () => {
      this.auth.value = '';
      storeCredential(undefined);
      this.clearFieldError('auth');
      this.auth.focus();
    });
    const stored = readStoredCredential();
    if (stored !== undefined) {
      this.auth.value = stored;
      this.revealAuth(false);
    }
  }

  /**
   * The defaults follow what the deployment can mint: a product it is not configured for is
   * marked so and not selected (it stays selectable, to see the service's config_error).
   */
  applyProducts(products: readonly ProductAnswer[]): void {
    for (const product of products) {
      const box = this.grantBoxes.find((b) => b.value === product.grant);
      const label = box?.closest('label');
      if (box === undefined || label === null || label === undefined || product.configured) continue;
      box.checked = false;
      box.dataset.configured = 'false';
      label.title = `Not configured on this service${product.needs !== undefined ? `: set ${product.needs}` : ''}`;
      label.append(h('span', { class: 'check-note', text: ' (not configured)' }));
    }
    if (!this.grantBoxes.some((b) => b.checked)) {
      const first = this.grantBoxes.find((b) => b.dataset.configured !== 'false');
      if (first !== undefined) first.checked = true;
    }
    this.syncDependentFields();
  }

  /** A product's options are enabled only with its grant (the service refuses them otherwise). */
  private syncDependentFields(): void {
    const grants = this.selectedGrants();
    for (const option of this.options) {
      const enabled = grants.includes(option.grant);
      option.control.disabled = !enabled;
      option.field.classList.toggle('is-disabled', !enabled);
    }
  }

  private selectedGrants(): GrantName[] {
    return this.grantBoxes.filter((box) => box.checked).map((box) => box.value as GrantName);
  }

  read(): TokenForm {
    return {
      identity: this.identity.value,
      grants: this.selectedGrants(),
      ttl: this.ttl.value,
      params: Object.fromEntries(
        this.options.map(({ name, control }) => [name, control.type === 'checkbox' ? control.checked : control.value]),
      ),
    };
  }

  /** The credential to send: what the field holds while it is shown, else what this tab remembered. */
  credential(): string | undefined {
    const typed = this.authField.hidden ? undefined : this.auth.value.trim();
    return typed !== undefined && typed !== '' ? typed : readStoredCredential();
  }

  /** A credential that just worked is kept for this tab. */
  rememberCredential(credential: string | undefined): void {
    if (credential !== undefined) storeCredential(credential);
  }

  revealAuth(focus: boolean): void {
    this.authField.hidden = false;
    this.authReveal.hidden = true;
    if (focus) this.auth.focus();
  }

  setBusy(busy: boolean): void {
    this.submit.disabled = busy;
    this.submit.textContent = busy ? 'Getting token…' : 'Get token';
    this.form.setAttribute('aria-busy', String(busy));
  }

  clearErrors(): void {
    this.banner.hidden = true;
    for (const target of new Set(Object.values(FIELD_TARGETS))) this.clearFieldError(target);
  }

  private controlsFor(target: string): HTMLInputElement[] {
    return target === 'grants' ? this.grantBoxes : [byId(target, HTMLInputElement)];
  }

  private clearFieldError(target: string): void {
    const message = document.getElementById(`${target}-error`);
    if (message === null) return;
    message.textContent = '';
    for (const control of this.controlsFor(target)) control.removeAttribute('aria-invalid');
    document.getElementById(target)?.classList.remove('has-error');
    message.closest('.field')?.classList.remove('has-error');
  }

  private setFieldError(target: string, text: string): HTMLInputElement {
    const message = byId(`${target}-error`, HTMLParagraphElement);
    message.textContent = text;
    message.closest('.field')?.classList.add('has-error');
    const controls = this.controlsFor(target);
    for (const control of controls) control.setAttribute('aria-invalid', 'true');
    return controls[0] as HTMLInputElement;
  }

  private showBanner(title: string, message: string, code: string): void {
    byId('form-banner-title', HTMLParagraphElement).textContent = title;
    byId('form-banner-message', HTMLParagraphElement).textContent = message;
    byId('form-banner-code', HTMLParagraphElement).textContent = code;
    this.banner.hidden = false;
  }

  /**
   * Shows an error from /token where it belongs: under its field when the field is one of the
   * form's, in the banner otherwise (configuration, origin, sign-in, outages). Focus moves to
   * the field at fault, so keyboard and screen-reader users land on the message.
   */
  showError(error: TokenError): void {
    this.clearErrors();
    const codeLine = `${error.status !== undefined ? `HTTP ${error.status} · ` : ''}${error.code}${error.field !== undefined && FIELD_TARGETS[error.field] === undefined ? ` · ${error.field}` : ''}`;
    const target =
      error.field !== undefined && Object.prototype.hasOwnProperty.call(FIELD_TARGETS, error.field)
        ? FIELD_TARGETS[error.field]
        : undefined;
    if (error.code === 'unauthorized' || target === 'auth') {
      this.revealAuth(false);
      // A remembered credential that is refused is of no more use.
      storeCredential(undefined);
      this.showBanner(
        BANNER_TITLES.unauthorized ?? 'Sign-in needed',
        'Enter the passcode, or a sign-in token from your app, in the field below.',
        codeLine,
      );
      this.setFieldError('auth', error.message).focus();
      return;
    }
    const disabledOption = this.options.some((option) => option.name === target && option.control.disabled);
    if (target !== undefined && !disabledOption) {
      this.setFieldError(target, error.message).focus();
      return;
    }
    const title =
      BANNER_TITLES[error.code] ??
      (error.status !== undefined ? `The service refused the request (HTTP ${error.status})` : 'The request failed');
    this.showBanner(title, error.message, codeLine);
    this.banner.focus();
  }
}
