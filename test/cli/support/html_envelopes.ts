import type { Envelope } from '../../../src/cli/message_stream';

/**
 * Parses the envelopes back out of an HTML report written by `@cucumber/html-formatter` (ours or
 * cucumber-js's own): it embeds them as `window.CUCUMBER_MESSAGES = [...]`, JSON with every `<` written
 * as `\x3C` (not valid JSON, so it is turned back into `\u003c`, minding escaped backslashes).
 */
export function envelopesOfHtmlReport(html: string, file = 'the HTML report'): Envelope[] {
  const match = /window\.CUCUMBER_MESSAGES = (\[[\s\S]*?\]);\n<\/script>/.exec(html);
  if (!match?.[1])
    throw new Error(`${file} embeds no window.CUCUMBER_MESSAGES; is it a cucumber HTML report?`);
  return JSON.parse(
    match[1].replace(/\\(\\|x3C)/g, (_all, escaped: string) => (escaped === '\\' ? '\\\\' : '\\u003c')),
  ) as Envelope[];
}
