import { dimension } from './types.js';

/** The currency column of every row holding money. */
export const currency = dimension('ISO 4217 code of the money measures in this row; rows of different currencies are never added together.');
