export * from './labels';
export {
  DNS1035_LABEL,
  DNS1123_LABEL,
  DNS_LABEL_MAX,
  boundedName,
  isDns1035Label,
  isDns1123Label,
} from './names';
export {
  ManifestInputError,
  modelWorkloadInputSchema,
  parseModelWorkloadInput,
  type InputIssue,
  type ModelWorkloadInput,
  type ModelWorkloadSpec,
} from './input';
/** Field schemas, for APIs whose bodies end up in a model workload (same rules, same messages). */
export {
  EXTENDED_RESOURCE,
  labelKey as labelKeySchema,
  labelValue as labelValueSchema,
  toleration as tolerationSchema,
} from './field-schemas';
export { POLIS_MODELS_NAMESPACE, type Rendered, type RenderedMeta } from './manifest';
export {
  MODEL_CACHE_DIR,
  RUNNER_ENV,
  configHash,
  publishSubject,
  subscribeSubjects,
  type RunnerConfig,
} from './runner-config';
export { RUNNER_CONTAINER, RUNNER_UID } from './render-deployment';
export { renderModelWorkload, type RenderedObject, type RenderedWorkload } from './render';
export { toYamlDocuments } from './to-yaml';
export type { WorkloadNames } from './workload-names';
export {
  LEAF_APP_NAME,
  LEAF_CLIENT_PORT,
  LEAF_CONFIG_DIR,
  LEAF_CONFIG_FILE,
  LEAF_STORE_DIR,
  POLIS_SYSTEM_NAMESPACE,
  SiteLeafInputError,
  siteLeafInputSchema,
  type SiteLeafInput,
  type SiteLeafSpec,
} from './site-leaf/leaf-input';
export { renderLeafConfig } from './site-leaf/leaf-config';
export {
  LEAF_CONTAINER,
  renderSiteLeaf,
  siteLeafUrl,
  type RenderedSiteLeaf,
} from './site-leaf/render-site-leaf';
