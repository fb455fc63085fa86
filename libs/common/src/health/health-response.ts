import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';

/**
 * Terminus signals "down" by throwing a 503 that carries the report. The report is the answer,
 * so it is written as-is (503, naming the failing dependency) rather than as a problem document.
 */
export async function healthResponse(res: Response, check: Promise<HealthCheckResult>): Promise<HealthCheckResult> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof ServiceUnavailableException) {
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
    throw error;
  }
}
