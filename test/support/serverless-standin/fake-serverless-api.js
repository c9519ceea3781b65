'use strict';
// In-process fake of the Twilio Serverless API v1 (serverless.twilio.com and
// serverless-upload.twilio.com), answering with the documented resource shapes and SID
// prefixes, and recording every request it gets.
const crypto = require('node:crypto');
const { parseMultipart } = require('./multipart');

const API_HOST = 'serverless.twilio.com';
const UPLOAD_HOST = 'serverless-upload.twilio.com';

const sid = (prefix) => prefix + crypto.randomBytes(16).toString('hex');
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

class FakeServerlessApi {
  /**
   * @param {object} opts
   * @param {string} opts.accountSid the account every resource belongs to (AC...)
   * @param {{username: string, password: string}[]} opts.credentials accepted Basic-auth pairs
   *   (Account SID + Auth Token, or API Key SID + secret)
   * @param {string} [opts.domainDigits] the "random" part of domain_base (real API: 4 digits)
   * @param {number} [opts.buildPolls] how many Status polls answer "building" before "completed"
   *   (twilio-run sleeps 1 s between polls)
   * @param {boolean} [opts.failBuild] answer "failed" instead of "completed"
   * @param {number} [opts.pageSize] default page size of list endpoints (real API: 50)
   */
  constructor(opts) {
    this.accountSid = opts.accountSid;
    this.credentials = opts.credentials;
    this.domainDigits = opts.domainDigits || String(crypto.randomInt(1000, 10000));
    this.buildPolls = opts.buildPolls ?? 1;
    this.failBuild = Boolean(opts.failBuild);
    this.pageSize = opts.pageSize || 50;
    /** every request, in arrival order */
    this.requests = [];
    this.db = {
      services: [],
      environments: [],
      functions: [],
      assets: [],
      functionVersions: [],
      assetVersions: [],
      builds: [],
      deployments: [],
      variables: [],
    };
    this.pollsSeen = new Map();
    this.routes = this.buildRoutes();
  }

  // ---- HTTP plumbing -------------------------------------------------------------------------

  /** node:http request listener; `host` is the CONNECT target the proxy accepted. */
  handle(req, res, connectHost) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, `https://${req.headers.host}`);
      const record = {
        at: Date.now(),
        connectHost,
        host: url.hostname,
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType: req.headers['content-type'] || null,
        userAgent: req.headers['user-agent'] || null,
        authUser: null,
        form: null,
        parts: null,
        rawBody: body,
        status: 0,
        response: null,
      };
      this.requests.push(record);
      const send = (status, json, headers = {}) => {
        record.status = status;
        record.response = json;
        const text = json === undefined ? '' : JSON.stringify(json);
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          'twilio-request-id': sid('RQ'),
          ...headers,
        });
        res.end(text);
      };
      try {
        this.dispatch(req, record, body, send);
      } catch (err) {
        send(500, twilioError(500, 20500, `stand-in error: ${err.message}`));
      }
    });
  }

  dispatch(req, record, body, send) {
    if (record.host !== record.connectHost) {
      return send(400, twilioError(400, 20001, `Host header ${record.host} does not match CONNECT ${record.connectHost}`));
    }
    const auth = parseBasic(req.headers.authorization);
    record.authUser = auth && auth.username;
    if (!auth || !this.credentials.some((c) => c.username === auth.username && c.password === auth.password)) {
      return send(401, twilioError(401, 20003, 'Authenticate'), { 'www-authenticate': 'Basic realm="Twilio API"' });
    }
    if (record.contentType && record.contentType.startsWith('application/x-www-form-urlencoded')) {
      record.form = parseForm(body.toString('utf8'));
    } else if (record.contentType && record.contentType.startsWith('multipart/form-data')) {
      record.parts = parseMultipart(body, record.contentType);
      record.form = Object.fromEntries(record.parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.data.toString('utf8')]));
    }
    const m = /^\/v1(\/.*)$/.exec(record.path);
    for (const route of this.routes) {
      if (route.method !== req.method || !m) continue;
      const match = route.pattern.exec(m[1]);
      if (!match) continue;
      if ((record.host === UPLOAD_HOST) !== Boolean(route.upload)) break; // right path, wrong host
      return route.fn(match.slice(1), record, send);
    }
    return send(404, twilioError(404, 20404, `The requested resource ${record.path} was not found`));
  }

  // ---- resources ------------------------------------------------------------------------------

  url(path) {
    return `https://${API_HOST}/v1${path}`;
  }

  page(req, key, path, items) {
    const pageSize = Math.min(Number(req.query.PageSize) || this.pageSize, 1000);
    const pageNo = Number(req.query.Page) || 0;
    const slice = items.slice(pageNo * pageSize, (pageNo + 1) * pageSize);
    const pageUrl = (p) => this.url(`${path}?PageSize=${pageSize}&Page=${p}`);
    return {
      [key]: slice,
      meta: {
        page: pageNo,
        page_size: pageSize,
        first_page_url: pageUrl(0),
        previous_page_url: pageNo > 0 ? pageUrl(pageNo - 1) : null,
        url: pageUrl(pageNo),
        next_page_url: (pageNo + 1) * pageSize < items.length ? pageUrl(pageNo + 1) : null,
        key,
      },
    };
  }

  service(serviceSid) {
    return this.db.services.find((s) => s.sid === serviceSid);
  }

  buildRoutes() {
    const S = '(ZS[0-9a-f]{32})';
    const E = '(ZE[0-9a-f]{32})';
    const H = '(ZH[0-9a-f]{32})';
    const route = (method, path, fn, upload = false) => ({ method, pattern: new RegExp(`^${path}$`), fn: fn.bind(this), upload });
    const notFound = (send, rec) => send(404, twilioError(404, 20404, `The requested resource ${rec.path} was not found`));
    const missing = (send, name) => send(400, twilioError(400, 21201, `Missing required parameter ${name} in the post body`));
    const withService = (fn) =>
      function (params, rec, send) {
        const svc = this.service(params[0]);
        return svc ? fn.call(this, svc, params.slice(1), rec, send) : notFound(send, rec);
      };
    const withEnv = (fn) =>
      withService(function (svc, params, rec, send) {
        const env = this.db.environments.find((e) => e.sid === params[0] && e.service_sid === svc.sid);
        return env ? fn.call(this, svc, env, params.slice(1), rec, send) : notFound(send, rec);
      });

    const versionRoute = (kind) =>
      withService(function (svc, [parentSid], rec, send) {
        const parents = kind === 'function' ? this.db.functions : this.db.assets;
        const parent = parents.find((p) => p.sid === parentSid && p.service_sid === svc.sid);
        if (!parent) return notFound(send, rec);
        const f = rec.form || {};
        const content = (rec.parts || []).find((p) => p.name === 'Content');
        if (!f.Path) return missing(send, 'Path');
        if (!f.Visibility) return missing(send, 'Visibility');
        if (!content) return missing(send, 'Content');
        if (!['public', 'protected', 'private'].includes(f.Visibility)) {
          return send(400, twilioError(400, 20001, `Invalid Visibility ${f.Visibility}`));
        }
        const collection = kind === 'function' ? 'Functions' : 'Assets';
        const vsid = sid('ZN');
        const version = {
          sid: vsid,
          account_sid: this.accountSid,
          service_sid: svc.sid,
          [`${kind}_sid`]: parent.sid,
          path: f.Path,
          visibility: f.Visibility,
          date_created: now(),
          url: this.url(`/Services/${svc.sid}/${collection}/${parent.sid}/Versions/${vsid}`),
          ...(kind === 'function'
            ? { links: { function_version_content: this.url(`/Services/${svc.sid}/Functions/${parent.sid}/Versions/${vsid}/Content`) } }
            : {}),
        };
        Object.defineProperty(version, 'upload', {
          value: { filename: content.filename, contentType: content.contentType, content: content.data },
          enumerable: false,
        });
        (kind === 'function' ? this.db.functionVersions : this.db.assetVersions).push(version);
        return send(201, version);
      });

    const childCollection = (kind, dbKey, collection, linkKey) => [
      route(
        'GET',
        `/Services/${S}/${collection}`,
        withService(function (svc, _p, rec, send) {
          return send(
            200,
            this.page(
              rec,
              collection.toLowerCase(),
              `/Services/${svc.sid}/${collection}`,
              this.db[dbKey].filter((x) => x.service_sid === svc.sid),
            ),
          );
        }),
      ),
      route(
        'POST',
        `/Services/${S}/${collection}`,
        withService(function (svc, _p, rec, send) {
          const name = rec.form && rec.form.FriendlyName;
          if (!name) return missing(send, 'FriendlyName');
          const s = sid('ZH');
          const res = {
            sid: s,
            account_sid: this.accountSid,
            service_sid: svc.sid,
            friendly_name: name,
            date_created: now(),
            date_updated: now(),
            url: this.url(`/Services/${svc.sid}/${collection}/${s}`),
            links: { [linkKey]: this.url(`/Services/${svc.sid}/${collection}/${s}/Versions`) },
          };
          this.db[dbKey].push(res);
          return send(201, res);
        }),
      ),
      route('POST', `/Services/${S}/${collection}/${H}/Versions`, versionRoute(kind), true),
    ];

    return [
      // Services
      route('GET', '/Services', function (_p, rec, send) {
        return send(200, this.page(rec, 'services', '/Services', this.db.services));
      }),
      route('POST', '/Services', function (_p, rec, send) {
        const f = rec.form || {};
        if (!f.UniqueName) return missing(send, 'UniqueName');
        if (!f.FriendlyName) return missing(send, 'FriendlyName');
        if (this.db.services.some((s) => s.unique_name === f.UniqueName)) {
          // The real API refuses a duplicate unique name (HTTP 409); the code here is the stand-in's.
          return send(409, twilioError(409, 54301, `Service with UniqueName ${f.UniqueName} already exists`));
        }
        const s = sid('ZS');
        const svc = {
          sid: s,
          account_sid: this.accountSid,
          friendly_name: f.FriendlyName,
          unique_name: f.UniqueName,
          include_credentials: f.IncludeCredentials !== 'false',
          ui_editable: f.UiEditable === 'true',
          domain_base: `${f.UniqueName}-${this.domainDigits}`,
          date_created: now(),
          date_updated: now(),
          url: this.url(`/Services/${s}`),
          links: {
            functions: this.url(`/Services/${s}/Functions`),
            assets: this.url(`/Services/${s}/Assets`),
            environments: this.url(`/Services/${s}/Environments`),
            builds: this.url(`/Services/${s}/Builds`),
          },
        };
        this.db.services.push(svc);
        return send(201, svc);
      }),
      route(
        'GET',
        `/Services/${S}`,
        withService(function (svc, _p, _rec, send) {
          return send(200, svc);
        }),
      ),

      // Environments
      route(
        'GET',
        `/Services/${S}/Environments`,
        withService(function (svc, _p, rec, send) {
          return send(
            200,
            this.page(
              rec,
              'environments',
              `/Services/${svc.sid}/Environments`,
              this.db.environments.filter((e) => e.service_sid === svc.sid),
            ),
          );
        }),
      ),
      route(
        'POST',
        `/Services/${S}/Environments`,
        withService(function (svc, _p, rec, send) {
          const f = rec.form || {};
          if (!f.UniqueName) return missing(send, 'UniqueName');
          const suffix = f.DomainSuffix || null;
          const mine = this.db.environments.filter((e) => e.service_sid === svc.sid);
          if (mine.some((e) => e.unique_name === f.UniqueName || e.domain_suffix === suffix)) {
            return send(409, twilioError(409, 20409, 'Environment with this UniqueName or DomainSuffix already exists.'));
          }
          const s = sid('ZE');
          const env = {
            sid: s,
            account_sid: this.accountSid,
            service_sid: svc.sid,
            build_sid: null,
            unique_name: f.UniqueName,
            domain_suffix: suffix,
            domain_name: `${svc.domain_base}${suffix ? `-${suffix}` : ''}.twil.io`,
            date_created: now(),
            date_updated: now(),
            url: this.url(`/Services/${svc.sid}/Environments/${s}`),
            links: {
              variables: this.url(`/Services/${svc.sid}/Environments/${s}/Variables`),
              deployments: this.url(`/Services/${svc.sid}/Environments/${s}/Deployments`),
              logs: this.url(`/Services/${svc.sid}/Environments/${s}/Logs`),
            },
          };
          this.db.environments.push(env);
          return send(201, env);
        }),
      ),
      route(
        'GET',
        `/Services/${S}/Environments/${E}`,
        withEnv(function (_svc, env, _p, _rec, send) {
          return send(200, env);
        }),
      ),

      // Functions, Assets and their Versions (Versions are created on serverless-upload)
      ...childCollection('function', 'functions', 'Functions', 'function_versions'),
      ...childCollection('asset', 'assets', 'Assets', 'asset_versions'),

      // Builds
      route(
        'POST',
        `/Services/${S}/Builds`,
        withService(function (svc, _p, rec, send) {
          const f = rec.form || {};
          const list = (v) => (v === undefined ? [] : [].concat(v));
          const fnVersions = list(f.FunctionVersions).map((v) => this.db.functionVersions.find((x) => x.sid === v));
          const assetVersions = list(f.AssetVersions).map((v) => this.db.assetVersions.find((x) => x.sid === v));
          if (fnVersions.includes(undefined) || assetVersions.includes(undefined)) {
            return send(404, twilioError(404, 20404, 'Unknown function or asset version'));
          }
          if (fnVersions.length + assetVersions.length === 0) {
            return send(400, twilioError(400, 20001, 'At least one function version or asset version is required'));
          }
          let dependencies = [];
          if (f.Dependencies !== undefined) {
            try {
              dependencies = parseDependencies(f.Dependencies);
            } catch (err) {
              return send(400, twilioError(400, 20001, `Dependencies is not valid JSON: ${err.message}`));
            }
          }
          const s = sid('ZB');
          const build = {
            sid: s,
            account_sid: this.accountSid,
            service_sid: svc.sid,
            status: 'building',
            asset_versions: assetVersions,
            function_versions: fnVersions,
            dependencies,
            runtime: f.Runtime || 'node18',
            date_created: now(),
            date_updated: now(),
            url: this.url(`/Services/${svc.sid}/Builds/${s}`),
            links: { build_status: this.url(`/Services/${svc.sid}/Builds/${s}/Status`) },
          };
          this.db.builds.push(build);
          this.pollsSeen.set(s, 0);
          return send(201, build);
        }),
      ),
      route(
        'GET',
        `/Services/${S}/Builds`,
        withService(function (svc, _p, rec, send) {
          return send(
            200,
            this.page(
              rec,
              'builds',
              `/Services/${svc.sid}/Builds`,
              this.db.builds.filter((b) => b.service_sid === svc.sid),
            ),
          );
        }),
      ),
      route(
        'GET',
        `/Services/${S}/Builds/(ZB[0-9a-f]{32})`,
        withService(function (svc, [b], rec, send) {
          const build = this.db.builds.find((x) => x.sid === b && x.service_sid === svc.sid);
          return build ? send(200, build) : notFound(send, rec);
        }),
      ),
      route(
        'GET',
        `/Services/${S}/Builds/(ZB[0-9a-f]{32})/Status`,
        withService(function (svc, [b], rec, send) {
          const build = this.db.builds.find((x) => x.sid === b && x.service_sid === svc.sid);
          if (!build) return notFound(send, rec);
          const seen = this.pollsSeen.get(b) + 1;
          this.pollsSeen.set(b, seen);
          if (seen > this.buildPolls) build.status = this.failBuild ? 'failed' : 'completed';
          build.date_updated = now();
          return send(200, {
            sid: b,
            account_sid: this.accountSid,
            service_sid: svc.sid,
            status: build.status,
            url: this.url(`/Services/${svc.sid}/Builds/${b}/Status`),
          });
        }),
      ),

      // Variables
      route(
        'GET',
        `/Services/${S}/Environments/${E}/Variables`,
        withEnv(function (svc, env, _p, rec, send) {
          return send(
            200,
            this.page(
              rec,
              'variables',
              `/Services/${svc.sid}/Environments/${env.sid}/Variables`,
              this.db.variables.filter((v) => v.environment_sid === env.sid),
            ),
          );
        }),
      ),
      route(
        'POST',
        `/Services/${S}/Environments/${E}/Variables`,
        withEnv(function (svc, env, _p, rec, send) {
          const f = rec.form || {};
          if (!f.Key) return missing(send, 'Key');
          if (f.Value === undefined) return missing(send, 'Value');
          if (this.db.variables.some((v) => v.environment_sid === env.sid && v.key === f.Key)) {
            return send(409, twilioError(409, 20409, `Variable with Key ${f.Key} already exists`));
          }
          const s = sid('ZV');
          const variable = {
            sid: s,
            account_sid: this.accountSid,
            service_sid: svc.sid,
            environment_sid: env.sid,
            key: f.Key,
            value: f.Value,
            date_created: now(),
            date_updated: now(),
            url: this.url(`/Services/${svc.sid}/Environments/${env.sid}/Variables/${s}`),
          };
          this.db.variables.push(variable);
          return send(201, variable);
        }),
      ),
      route(
        'POST',
        `/Services/${S}/Environments/${E}/Variables/(ZV[0-9a-f]{32})`,
        withEnv(function (_svc, env, [v], rec, send) {
          const variable = this.db.variables.find((x) => x.sid === v && x.environment_sid === env.sid);
          if (!variable) return notFound(send, rec);
          const f = rec.form || {};
          if (f.Key !== undefined) variable.key = f.Key;
          if (f.Value !== undefined) variable.value = f.Value;
          variable.date_updated = now();
          return send(200, variable);
        }),
      ),
      route(
        'DELETE',
        `/Services/${S}/Environments/${E}/Variables/(ZV[0-9a-f]{32})`,
        withEnv(function (_svc, env, [v], rec, send) {
          const i = this.db.variables.findIndex((x) => x.sid === v && x.environment_sid === env.sid);
          if (i < 0) return notFound(send, rec);
          this.db.variables.splice(i, 1);
          return send(204, undefined);
        }),
      ),

      // Deployments (activating a build in an environment)
      route(
        'POST',
        `/Services/${S}/Environments/${E}/Deployments`,
        withEnv(function (svc, env, _p, rec, send) {
          const buildSid = rec.form && rec.form.BuildSid;
          const build = this.db.builds.find((b) => b.sid === buildSid && b.service_sid === svc.sid);
          if (!build) return notFound(send, rec);
          if (build.status !== 'completed') {
            return send(409, twilioError(409, 20409, `Build ${build.sid} is ${build.status}, not completed`));
          }
          const s = sid('ZD');
          const deployment = {
            sid: s,
            account_sid: this.accountSid,
            service_sid: svc.sid,
            environment_sid: env.sid,
            build_sid: build.sid,
            date_created: now(),
            date_updated: now(),
            url: this.url(`/Services/${svc.sid}/Environments/${env.sid}/Deployments/${s}`),
          };
          this.db.deployments.push(deployment);
          env.build_sid = build.sid;
          env.date_updated = now();
          return send(201, deployment);
        }),
      ),
    ];
  }

  // ---- what a test asserts on -----------------------------------------------------------------

  /** The last build with its function/asset uploads resolved, plus the variables now set. */
  summary() {
    const build = this.db.builds[this.db.builds.length - 1];
    if (!build) return null;
    const env = this.db.environments.find((e) => e.build_sid === build.sid);
    const upload = (v) => ({
      path: v.path,
      visibility: v.visibility,
      filename: v.upload.filename,
      contentType: v.upload.contentType,
      content: v.upload.content,
    });
    return {
      service: this.service(build.service_sid),
      environment: env,
      build,
      functions: build.function_versions.map(upload),
      assets: build.asset_versions.map(upload),
      variables: Object.fromEntries(this.db.variables.filter((v) => env && v.environment_sid === env.sid).map((v) => [v.key, v.value])),
      dependencies: build.dependencies,
      runtime: build.runtime,
    };
  }
}

function twilioError(status, code, message) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function parseBasic(header) {
  const m = /^Basic\s+(\S+)$/i.exec(header || '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? null : { username: text.slice(0, i), password: text.slice(i + 1) };
}

/** x-www-form-urlencoded, keeping repeated keys (FunctionVersions=..&FunctionVersions=..) as arrays */
function parseForm(text) {
  const out = {};
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = k in out ? [].concat(out[k], v) : v;
  }
  return out;
}

/**
 * serverless-api sends Dependencies as `"` + JSON.stringify(list) + `"` (quotes included);
 * accept that and plain JSON.
 */
function parseDependencies(text) {
  const unwrapped = text.startsWith('"[') && text.endsWith(']"') ? text.slice(1, -1) : text;
  const list = JSON.parse(unwrapped);
  if (!Array.isArray(list) || !list.every((d) => d && typeof d.name === 'string' && typeof d.version === 'string')) {
    throw new Error('expected [{name, version}]');
  }
  return list;
}

module.exports = { FakeServerlessApi, API_HOST, UPLOAD_HOST };
