import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createLogger } from '../lib/logger.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

/** The operator's files: the Grafana dashboard and the Prometheus alerting rules (docs/observability.md). */
const OPS = join(import.meta.dirname, '..', 'ops');
const DASHBOARD = join(OPS, 'grafana', 'hub.json');
const ALERTS = join(OPS, 'prometheus', 'alerts.yml');

const TODAY = '2026-11-23';

/** Series Prometheus makes itself for every target (not the hub's to export). */
const PROMETHEUS_OWN = new Set(['up']);

/** Aggregation operators: followed by `by (…)`/`without (…)` before their parenthesis, never metrics. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
/** Keywords whose parenthesis holds label names, not expressions. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OTHER_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan', 'start', 'end']);

/**
 * The metric names a PromQL expression reads: identifiers outside label matchers (`{…}`), ranges and
 * subqueries (`[…]`), strings, comments, function calls and the label lists of `by`/`on`/….
 * Grafana's variables (`$school`, `$__rate_interval`) sit inside matchers and ranges, so they go too.
 */
export function metricNamesIn(expression: string): Set<string> {
  const tokens: string[] = [];
  const lexer =
    /#[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`|\{(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`|[^}"'`])*\}|\[[^\]]*\]|[A-Za-z_:][\w:]*|\$\w+|\d[\w.]*|\S/g;
  for (const [token] of expression.matchAll(lexer)) {
    if (/^(#|["'`{[])/.test(token)) continue;
    tokens.push(token);
  }
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!/^[A-Za-z_:]/.test(token)) continue;
    const keyword = token.toLowerCase();
    if (LABEL_LIST_KEYWORDS.has(keyword)) {
      if (tokens[i + 1] === '(') while (i < tokens.length && tokens[i] !== ')') i++;
      continue;
    }
    if (OTHER_KEYWORDS.has(keyword) || AGGREGATIONS.has(keyword) || tokens[i + 1] === '(') continue;
    names.add(token);
  }
  return names;
}

interface Expression {
  where: string;
  expr: string;
}

/** Every query of the dashboard: each panel's targets (rows' panels included) and the variables' metric queries. */
function dashboardExpressions(): Expression[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating?: { list: { name: string; query?: string | { query?: string } }[] };
  };
  interface Panel {
    title?: string;
    panels?: Panel[];
    targets?: { expr?: string }[];
  }
  const found: Expression[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) found.push({ where: `panel “${panel.title}”`, expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    // label_values(metric, label): the metric is the expression.
    const metric = query && /^label_values\((.+),\s*\w+\)$/.exec(query.trim())?.[1];
    if (metric) found.push({ where: `variable $${variable.name}`, expr: metric });
  }
  return found;
}

function alertExpressions(): Expression[] {
  const rules = parseYaml(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `rule ${rule.alert ?? rule.record}`, expr: String(rule.expr) })));
}

describe('the alerting rules’ runbooks', () => {
  it('each names a section of docs/observability.md that says what to do', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'observability.md'), 'utf8');
    // GitHub's anchors: the heading in lower case, spaces as dashes, punctuation dropped.
    const anchors = new Set(
      [...doc.matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
        heading!
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .replace(/\s/g, '-'),
      ),
    );
    const rules = parseYaml(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; annotations?: { runbook_url?: string } }[] }[] };
    const missing = rules.groups
      .flatMap((g) => g.rules)
      .filter((rule) => !anchors.has(/^docs\/observability\.md#(.+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1] ?? ''))
      .map((rule) => rule.alert);
    expect(missing).toEqual([]);
  });
});

/** The names a Prometheus text exposition declares: histograms and summaries also as their series' names. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('metricNamesIn (the PromQL read by the test below)', () => {
  it('finds the metrics, not the functions, labels, matchers, ranges or variables', () => {
    const names = (expr: string) => [...metricNamesIn(expr)].sort();
    expect(names('histogram_quantile(0.95, sum by (le, school) (rate(a_bucket{school=~"$school", x="}{"}[$__rate_interval])))')).toEqual(['a_bucket']);
    expect(names('sum(rate(b_total[5m] offset 1h)) by (job) / on (job) group_left (team) c_info > bool 0.5')).toEqual(['b_total', 'c_info']);
    expect(names('max(d) > 100 and deriv(max(d)[30m:1m]) > 0 or vector(0) unless e # f is a comment')).toEqual(['d', 'e']);
    expect(names('topk(5, sum without (instance) (g:recorded)) and up{job=~"hub-.*"} == 0')).toEqual(['g:recorded', 'up']);
  });
});

describe('the dashboard and the alerting rules', () => {
  let hub: EmbeddedHub;
  let exported: Set<string>;
  let expositions: string;

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-observability-')),
      ...(await testHubOptions()),
      today: () => TODAY,
      // A school's system that fails is known to fail fast.
      vieScolaireUpstream: { requestTimeoutMs: 400, deadlineMs: 800, retries: 0 },
      log: createLogger('observability', 'silent'),
    });
    // A few requests first: a guardian's login and a read through the vie scolaire subgraph to the schools.
    // The same question twice: the second is answered from the router's response cache. Then
    // another question on the same grades: the router asks the subgraph, which has them in its cache.
    const people = hubSession(hub);
    for (let i = 0; i < 2; i++) expect((await people.ask('sophie.martin', '{ viewer { children { displayName grades { value } } } }')).errors).toBeUndefined();
    expect((await people.ask('sophie.martin', '{ viewer { children { id grades { value } } } }')).errors).toBeUndefined();
    const scrapes = [hub.router.metricsUrl, hub.vieScolaire.metricsUrl];
    exported = new Set<string>();
    expositions = '';
    for (const url of scrapes) {
      expect(url).toBeDefined();
      const response = await fetch(url!);
      expect(response.status).toBe(200);
      const text = await response.text();
      expositions += text;
      for (const name of exportedNames(text)) exported.add(name);
    }
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
  });

  it('use only metrics the hub exports', () => {
    const expressions = [...dashboardExpressions(), ...alertExpressions()];
    expect(expressions.length).toBeGreaterThan(30);
    const unknown: string[] = [];
    for (const { where, expr } of expressions) {
      const names = metricNamesIn(expr);
      // An expression naming no metric is a parse that went wrong (or a panel that shows nothing).
      expect(names.size, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) if (!exported.has(name) && !PROMETHEUS_OWN.has(name)) unknown.push(`${where}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  /** Sum of the samples of `name` in `text` whose labels include every `labels` pair. */
  const sampled = (text: string, name: string, labels: Record<string, string> = {}) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))]
      .filter(([, set = '']) => Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`)))
      .reduce((sum, [, , sample]) => sum + Number(sample), 0);

  it('the series this change added carry what happened', () => {
    const value = (name: string, labels: Record<string, string> = {}) => sampled(expositions, name, labels);
    // Sophie's children are at two schools: each school's system was asked, and answered.
    const schools = new Set(
      [...expositions.matchAll(/^hub_vie_scolaire_upstream_duration_seconds_count\{school="(\w+)",outcome="ok"\} [1-9]/gm)].map((m) => m[1]),
    );
    expect(schools.size).toBe(2);
    expect(value('hub_vie_scolaire_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
    expect(value('hub_vie_scolaire_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
    // The directory's cache the vie scolaire decides the perimeter from: read once, then found.
    expect(value('hub_vie_scolaire_directory_cache_lookups_total', { result: 'miss' })).toBeGreaterThan(0);
    expect(value('hub_vie_scolaire_directory_cache_lookups_total', { result: 'hit' })).toBeGreaterThan(0);
    expect(value('hub_vie_scolaire_directory_cache_records')).toBeGreaterThan(0);
    expect(value('hub_router_response_cache_lookups_total', { result: 'hit' })).toBe(1);
    expect(value('hub_router_response_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(2);
    expect(value('hub_router_response_cache_stores_total', { outcome: 'kept' })).toBeGreaterThanOrEqual(2);
    expect(value('hub_router_response_cache_bytes')).toBeGreaterThan(0);
    expect(value('hub_sessions_active', { profile: 'guardian' })).toBe(1);
    expect(value('hub_logins_total', { outcome: 'success' })).toBe(1);
    expect(value('hub_outbox_items', { state: 'PENDING' })).toBe(0);
    expect(expositions).toMatch(/^hub_outbox_oldest_pending_seconds 0$/m);
  });

  it('a school whose system is down shows where the dashboard and the alerts look: failed attempts, a waiting submission', async () => {
    const ask = hubSession(hub).ask;
    const college = hub.vieScolaire.standins[0]!;
    // A child of Sophie's at the collège, and one of her absences there.
    const { data } = await ask('sophie.martin', '{ viewer { children { id absences(from: "2026-09-01", to: "2026-11-30") { id } } } }');
    const child = (data.viewer.children as { id: string; absences: { id: string }[] }[]).find((c) => c.absences.some((a) => a.id.startsWith(college.uai)))!;
    college.faults.errorRate = 1;
    try {
      const justified = await ask('sophie.martin', 'mutation($input: JustifyAbsenceInput!) { justifyAbsence(input: $input) { state } }', {
        input: { pupilId: child.id, absenceId: child.absences.find((a) => a.id.startsWith(college.uai))!.id, reason: 'Rendez-vous médical' },
      });
      expect(justified.data.justifyAbsence.state).toBe('PENDING');
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the outbox tries, and fails
      const text = await (await fetch(hub.vieScolaire.metricsUrl!)).text();
      expect(sampled(text, 'hub_vie_scolaire_upstream_duration_seconds_count', { school: college.uai, outcome: 'unavailable' })).toBeGreaterThan(0);
      expect(sampled(text, 'hub_outbox_items', { state: 'PENDING' })).toBe(1);
      expect(sampled(text, 'hub_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(1);
    } finally {
      college.faults.errorRate = 0;
    }
  });

  it('cover what an operator is asked about', () => {
    const used = new Set([...dashboardExpressions(), ...alertExpressions()].flatMap(({ expr }) => [...metricNamesIn(expr)]));
    for (const name of [
      'graphql_envelop_request',
      'graphql_envelop_request_duration_bucket',
      'graphql_envelop_error_result',
      'hub_authorization_denials_total',
      'graphql_gateway_subgraph_execute_duration_bucket',
      'hub_vie_scolaire_upstream_duration_seconds_bucket',
      'hub_vie_scolaire_breaker_state',
      'hub_vie_scolaire_cache_lookups_total',
      'hub_audit_events_written_total',
      'hub_audit_events_lost_total',
      'hub_outbox_items',
      'hub_job_queue_depth',
      'hub_sessions_active',
      'hub_notifications_sent_total',
      'hub_sms_spent_total',
      'hub_notification_delivery_failures_total',
    ])
      expect(used, name).toContain(name);
  });
});

/** Debian's promtool (package `prometheus`), when installed: the rules and every dashboard query parse as Prometheus parses them. */
const promtool = (() => {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!promtool)('promtool', () => {
  it('accepts the alerting rules', () => {
    expect(execFileSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });

  it('fires each tested alert when it should, and not before (ops/prometheus/alerts.test.yml)', () => {
    expect(execFileSync('promtool', ['test', 'rules', join(OPS, 'prometheus', 'alerts.test.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });

  it('parses every dashboard query (Grafana’s variables given values)', () => {
    const rules = dashboardExpressions().map(({ expr }, i) => ({
      record: `dashboard:query_${i}`,
      expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h').replaceAll('$school', '.*'),
    }));
    const file = join(mkdtempSync(join(tmpdir(), 'hub-dashboard-')), 'queries.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });
});
