import { storedCompany } from '../../../shared/query/answers/parties.js';
import { read } from '../api.js';
import { useLoad } from '../load.js';

// The company profile (the seller on every invoice), parsed with its answer schema.

export function useCompany() {
  return useLoad(() => read(storedCompany, 'company'), []);
}
