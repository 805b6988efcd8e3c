import { describe, expect, it } from 'vitest';
import { query } from '../src/admin/api';
import { prefill } from '../src/admin/import';

describe('admin page', () => {
  it('query strings keep only the values given', () => {
    expect(query({ q: 'akers gata', status: '', municipality: undefined, limit: 50, offset: 0 })).toBe('?q=akers+gata&limit=50&offset=0');
    expect(query({ q: '', shelter: null })).toBe('');
    expect(query({ municipality: 'Bærum & Asker' })).toBe('?municipality=B%C3%A6rum+%26+Asker');
  });

  it("a rejected row's values prefill the create form: text as read, the mapping's country when the row has none", () => {
    expect(prefill({ external_id: 'e2e-3', name: ' Fjellby kirke ', address: 'Kirkeveien 3', lat: '604.3', lon: 5.3401, capacity: 80, municipality: null }, 'NO')).toEqual({
      name: 'Fjellby kirke',
      address: 'Kirkeveien 3',
      lat: '604.3',
      lon: '5.3401',
      capacity: '80',
      country: 'NO',
    });
    expect(prefill({ country: 'SE' }, 'NO')).toEqual({ country: 'SE' });
    expect(prefill(undefined, '')).toEqual({});
  });
});
