import { Module } from '@nestjs/common';
import { SitesModule } from '../sites';
import { EdgeDataPlaneService } from './edge-data-plane.service';

@Module({ imports: [SitesModule], providers: [EdgeDataPlaneService], exports: [EdgeDataPlaneService] })
export class EdgeModule {}
