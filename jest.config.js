// Unit specs sit beside the code; integration and e2e specs run against the real local stack.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }];
const moduleNameMapper = {
  '^@tessera/(common|events|chain|crypto|auth)$': '<rootDir>/libs/$1/src',
  '^@tessera/(common|events|chain|crypto|auth)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const base = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  // Integration suites share one anvil, Kafka and Postgres; they run one at a time (evm_snapshot/revert is chain-wide).
  maxWorkers: 1,
  testTimeout: 120000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,contracts,scripts,cli}/**/src/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,contracts,deploy}/**/test/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      slowTestThreshold: 30,
    },
    {
      ...base,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
};
