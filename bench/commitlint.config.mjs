// commitlint's conventional config, for bench/ci.js to run commitlint on any repository.
export { default } from '@commitlint/config-conventional';
