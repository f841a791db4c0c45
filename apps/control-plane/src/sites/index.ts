export { SitesModule } from './sites.module';
export { SiteRegistry, siteBucket, type SiteRecord } from './site-registry.service';
export { SiteMonitor } from './site-monitor.service';
export { SiteEvents, siteEventsSubject, type SiteEvent } from './site-events';
export { SiteClusters } from './site-clusters';
export type { SiteStatus, SiteState, SiteProblem, SiteSymptom } from './site-status';
