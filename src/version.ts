/** nabla's version; test/version.test.ts holds it equal to package.json's (a browser cannot read that file). */
export const NABLA_VERSION = '0.1.0';
