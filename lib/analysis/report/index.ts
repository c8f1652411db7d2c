/** The HTML report. */
export { renderHtmlReport, ESTIMATED_BANNER } from './html.js';
export type { HtmlReportInput } from './html.js';
