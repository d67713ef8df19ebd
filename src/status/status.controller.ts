import { Controller, Get, Header } from '@nestjs/common';
import { renderStatusPage } from './status-page.renderer.js';
import { StatusService } from './status.service.js';

/**
 * GET /status: one HTML page for the on-call engineer. Open like /health and
 * /metrics: it shows task names, states, counts and error messages, never a
 * secret or patient data, and a browser cannot send a bearer token.
 */
@Controller('status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  async page(): Promise<string> {
    return renderStatusPage(await this.status.model());
  }
}
