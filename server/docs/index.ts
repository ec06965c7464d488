// The contract documents and the API reference pages.
export { mountDocs } from './routes.ts'
