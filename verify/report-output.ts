/**
 * Writes a verify report where the user asked: JSON always, HTML and JUnit
 * when asked, each atomically; the renderers (report-html.ts,
 * report-junit.ts, report-terminal.ts) are loaded only when needed.
 */
import type { Report } from './report-model.js';
import { writeFileAtomic } from '../shared/atomic-write.js';

export interface ReportOutputs {
  json?: string;
  html?: string;
  junit?: string;
}

/** Writes the requested files (creating their directories); returns the paths written. */
export async function writeReports(report: Report, outputs: ReportOutputs): Promise<{ written: string[] }> {
  const written: string[] = [];
  if (outputs.json) {
    await writeFileAtomic(outputs.json, JSON.stringify(report, null, 2) + '\n');
    written.push(outputs.json);
  }
  if (outputs.html) {
    const { renderHtml } = await import('./report-html.js');
    await writeFileAtomic(outputs.html, renderHtml(report));
    written.push(outputs.html);
  }
  if (outputs.junit) {
    const { renderJunit } = await import('./report-junit.js');
    await writeFileAtomic(outputs.junit, renderJunit(report));
    written.push(outputs.junit);
  }
  return { written };
}

/** The terminal summary table. */
export async function terminalSummary(report: Report): Promise<string> {
  const { renderTerminal } = await import('./report-terminal.js');
  return renderTerminal(report);
}
