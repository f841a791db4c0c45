import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { KubeconfigCipher } from './kubeconfig-cipher';
import { SiteClusters } from './site-clusters';
import { SiteEvents } from './site-events';
import { SiteMonitor } from './site-monitor.service';
import { SiteRegistry } from './site-registry.service';
import { SitesController } from './sites.controller';

@Module({
  providers: [
    {
      provide: KubeconfigCipher,
      inject: [APP_CONFIG],
      // null without a key: the registry then serves reads and refuses writes (503).
      useFactory: (config: AppConfig) =>
        config.sites.kubeconfigKey === undefined ? null : new KubeconfigCipher(config.sites.kubeconfigKey),
    },
    {
      provide: SiteClusters,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new SiteClusters(
          {
            requestTimeoutMs: config.kube.requestTimeoutMs,
            maxInflightPerCluster: config.kube.maxInflightPerCluster,
            maxInflightTotal: config.kube.maxInflightTotal,
          },
          config.sites.probeTimeoutMs,
        ),
    },
    SiteEvents,
    SiteRegistry,
    SiteMonitor,
  ],
  controllers: [SitesController],
  exports: [SiteRegistry, SiteMonitor, SiteEvents, SiteClusters],
})
export class SitesModule {}
