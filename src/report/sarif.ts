// SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired as reportingDescriptors,
// one result per finding, each with a physical location (code scanning refuses a result without
// one): the finding's file, else the place the caller gives (a commit's first file, the policy).
import type { Finding } from '../types.js';

export interface RuleInfo {
  id: string;
  description: string;
  hint?: string;
}

const LEVEL = { error: 'error', warn: 'warning' } as const;

/** A path as a SARIF uri-reference: percent-encoded, with ? and # kept in the path. */
function uriOf(path: string): string {
  return encodeURI(path).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

export function formatSarif(
  findings: Finding[],
  rules: RuleInfo[],
  version: string,
  /** Where a finding without a file is shown. */
  locate: (finding: Finding) => string,
): string {
  const used = [...new Set(findings.map((finding) => finding.rule))];
  const descriptors = used.map((id) => {
    const rule = rules.find((candidate) => candidate.id === id);
    return {
      id,
      name: id,
      shortDescription: { text: rule?.description ?? id },
      ...(rule?.hint ? { help: { text: rule.hint } } : {}),
    };
  });
  const results = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: used.indexOf(finding.rule),
    level: LEVEL[finding.severity],
    message: {
      text: finding.commit ? `${finding.message} (commit ${finding.commit.slice(0, 12)})` : finding.message,
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(finding.file ?? locate(finding)), uriBaseId: '%SRCROOT%' },
          region: { startLine: finding.file ? (finding.line ?? 1) : 1 },
        },
      },
    ],
    partialFingerprints: { agentpolicy: fingerprint(finding) },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'agentpolicy',
            version,
            informationUri: 'https://www.npmjs.com/package/agentpolicy',
            rules: descriptors,
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A stable id for a finding: rule, file, line, message and commit. FNV-1a, hex. */
export function fingerprint(finding: Finding): string {
  const text = [
    finding.rule,
    finding.file ?? '',
    finding.line ?? '',
    finding.message,
    finding.commit ?? '',
  ].join('\0');
  let hash = 0x811c9dc5;
  let hash2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    hash2 = Math.imul(hash2 ^ text.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return hash.toString(16).padStart(8, '0') + hash2.toString(16).padStart(8, '0');
}
