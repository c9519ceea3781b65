// The checks scripts/deploy.js runs before any upload, bundled from the same core as the functions.
export { isDemoCredentials } from '../lib/demo';
