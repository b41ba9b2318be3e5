import { describe, expect, it } from 'vitest';
import { OTHER_STATUS } from '../metrics/status-table.js';
import { statusAttributes } from './otlp-attributes.js';

describe('OTLP HTTP client attributes of a status row', () => {
  it('follows the semantic conventions: status code when answered, error.type for failures only', () => {
    expect(statusAttributes({ status: 200, error: undefined })).toEqual({ 'http.response.status_code': 200 });
    expect(statusAttributes({ status: 503, error: 'status' })).toEqual({
      'http.response.status_code': 503,
      'error.type': '503',
    });
    // A 404 the scenario expects is still a client error status to the conventions.
    expect(statusAttributes({ status: 404, error: undefined })).toEqual({
      'http.response.status_code': 404,
      'error.type': '404',
    });
    expect(statusAttributes({ status: 200, error: 'check' })).toEqual({
      'http.response.status_code': 200,
      'error.type': 'check',
    });
    expect(statusAttributes({ status: 0, error: 'timeout' })).toEqual({ 'error.type': 'timeout' });
    expect(statusAttributes({ status: 0, error: 'connect_refused' })).toEqual({ 'error.type': 'connect_refused' });
    expect(statusAttributes({ status: OTHER_STATUS, error: undefined })).toEqual({});
    expect(statusAttributes({ status: OTHER_STATUS, error: 'other' })).toEqual({ 'error.type': '_OTHER' });
  });
});
