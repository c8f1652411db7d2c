/** The LICENSE file is the licence package.json names (npm packs LICENSE with every tarball). */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/** How the full text of each SPDX licence this project might use begins. */
const LICENSE_HEADINGS: Record<string, RegExp> = {
  'Apache-2.0': /^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//,
  MIT: /^\s*MIT License/,
};

describe('LICENSE', () => {
  it("is the full text of package.json's licence", async () => {
    const { license } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { license: string };
    const text = await readFile(new URL('../../LICENSE', import.meta.url), 'utf8');
    expect(Object.keys(LICENSE_HEADINGS)).toContain(license);
    expect(text).toMatch(LICENSE_HEADINGS[license]);
    if (license === 'Apache-2.0') {
      // All nine sections and the end marker: a truncated copy is not the licence.
      for (let section = 1; section <= 9; section++) expect(text).toMatch(new RegExp(`^\\s+${section}\\. [A-Z]`, 'm'));
      expect(text).toContain('END OF TERMS AND CONDITIONS');
    }
  });
});
