/**
 * A strict parser for the Prometheus text exposition format (0.0.4): every
 * line is a `# HELP`/`# TYPE` comment or `name{label="value",...} value
 * [timestamp]`; values as Go's ParseFloat reads them (prom-client writes
 * `Nan`); label values are quoted with \\ \" \n escapes; every sample belongs
 * to a family declared by # TYPE. Throws naming the line otherwise.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  /** The value of the one sample matching name and labels (a subset), or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const VALUE = '[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[Ii]nf|[Nn]a[Nn])';
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?[0-9]+)?$`,
);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', ''];

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line.startsWith('#')) {
      const type = TYPE.exec(line);
      if (type) {
        if (types.has(type[1])) throw new Error(`duplicate TYPE at ${where}`);
        types.set(type[1], type[2]);
      } else if (!HELP.test(line)) {
        throw new Error(`bad comment at ${where}`);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample at ${where}`);
    const [, name, labelText, valueText] = m;
    const family = SUFFIXES.map((s) =>
      s && name.endsWith(s) ? name.slice(0, -s.length) : s === '' ? name : undefined,
    ).find((f) => f !== undefined && types.has(f));
    if (!family) throw new Error(`sample without a # TYPE family at ${where}`);
    samples.push({ name, labels: parseLabels(labelText ?? ''), value: parseValue(valueText) });
  });
  return {
    samples,
    types,
    value(name, labels = {}) {
      const found = samples.filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      if (found.length > 1)
        throw new Error(`${found.length} samples match ${name} ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
  };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;
  for (const m of text.matchAll(re)) {
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  return Number(text);
}
