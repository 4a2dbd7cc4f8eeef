import { notImplemented } from '../errors.js';
import { formatMicros, parseGid, timeOf, toMicros } from '../values.js';
import type { StoreCreditAccountRecord } from '../types.js';
import { findCustomer, newGid, userError, type ResolverContext } from './context.js';
import { accountBalance, accountsOf } from './records.js';
import { creditTransactionView, storeCreditAccountView } from './views.js';

interface CreditInput {
  creditAmount: { amount: string; currencyCode: string };
  expiresAt?: string | null;
}

interface DebitInput {
  debitAmount: { amount: string; currencyCode: string };
}

type Resolved = { account: StoreCreditAccountRecord } | { ownerId: string } | { error: ReturnType<typeof userError> };

export function storeCreditQueries(ctx: ResolverContext) {
  return {
    storeCreditAccount: (args: { id: string }) => {
      const account = ctx.shop.storeCredit.get(args.id);
      return account ? storeCreditAccountView(ctx, account) : null;
    },
  };
}

export function storeCreditMutations(ctx: ResolverContext) {
  return {
    storeCreditAccountCredit: (args: { id: string; creditInput: CreditInput }) => credit(ctx, args.id, args.creditInput),
    storeCreditAccountDebit: (args: { id: string; debitInput: DebitInput }) => debit(ctx, args.id, args.debitInput),
  };
}

function credit(ctx: ResolverContext, id: string, input: CreditInput) {
  const failure = (error: ReturnType<typeof userError>) => ({ storeCreditAccountTransaction: null, userErrors: [error] });
  const inputError = validateCredit(ctx, input);
  if (inputError) return failure(inputError);
  const resolved = resolveTarget(ctx, id, input.creditAmount.currencyCode);
  if ('error' in resolved) return failure(resolved.error);
  const account = 'account' in resolved ? resolved.account : openAccount(ctx, resolved.ownerId, input.creditAmount.currencyCode);
  const tx = {
    id: newGid(ctx, 'StoreCreditAccountCreditTransaction'),
    amount: input.creditAmount.amount,
    balanceAfter: formatMicros(toMicros(accountBalance(ctx, account)) + toMicros(input.creditAmount.amount)),
    createdAt: ctx.store.nowIso(),
    expiresAt: input.expiresAt ?? null,
  };
  account.transactions.push(tx);
  return { storeCreditAccountTransaction: creditTransactionView(ctx, account, tx), userErrors: [] };
}

function validateCredit(ctx: ResolverContext, input: CreditInput) {
  const { amount, currencyCode } = input.creditAmount;
  if (toMicros(amount) <= 0n) {
    return userError(
      ['creditInput', 'creditAmount', 'amount'],
      'A positive amount must be used to credit a store credit account.',
      'NEGATIVE_OR_ZERO_AMOUNT',
    );
  }
  if (input.expiresAt && timeOf(input.expiresAt) <= ctx.store.now()) {
    return userError(['creditInput', 'expiresAt'], 'The expiry date must be in the future.', 'EXPIRES_AT_IN_PAST');
  }
  if (!ctx.shop.info.enabledPresentmentCurrencies.includes(currencyCode)) {
    return userError(['creditInput', 'creditAmount', 'currencyCode'], 'The currency provided is not supported.', 'UNSUPPORTED_CURRENCY');
  }
  return null;
}

/** The id may name the account itself or its owner; an owner gets one account per currency. */
function resolveTarget(
  ctx: ResolverContext,
  id: string,
  currencyCode: string,
  currencyField = ['creditInput', 'creditAmount', 'currencyCode'],
): Resolved {
  const type = parseGid(id)?.type;
  if (type === 'StoreCreditAccount') {
    const account = ctx.shop.storeCredit.get(id);
    if (!account) return { error: userError(['id'], 'Store credit account does not exist', 'ACCOUNT_NOT_FOUND') };
    if (account.currencyCode !== currencyCode) {
      return {
        error: userError(
          currencyField,
          'The currency provided does not match the currency of the store credit account.',
          'MISMATCHING_CURRENCY',
        ),
      };
    }
    return { account };
  }
  if (type !== 'Customer') {
    if (type === undefined) return { error: userError(['id'], 'Owner does not exist', 'OWNER_NOT_FOUND') };
    throw notImplemented(`store credit accounts owned by ${type}`);
  }
  if (!findCustomer(ctx, id)) return { error: userError(['id'], 'Owner does not exist', 'OWNER_NOT_FOUND') };
  const account = accountsOf(ctx, id).find((candidate) => candidate.currencyCode === currencyCode);
  return account ? { account } : { ownerId: id };
}

function openAccount(ctx: ResolverContext, ownerId: string, currencyCode: string): StoreCreditAccountRecord {
  const account: StoreCreditAccountRecord = {
    id: newGid(ctx, 'StoreCreditAccount'),
    ownerId,
    currencyCode,
    transactions: [],
  };
  ctx.shop.storeCredit.set(account.id, account);
  return account;
}

/** Takes store credit back, as Shopify does: never more than the account holds (INSUFFICIENT_FUNDS). */
function debit(ctx: ResolverContext, id: string, input: DebitInput) {
  const failure = (error: ReturnType<typeof userError>) => ({ storeCreditAccountTransaction: null, userErrors: [error] });
  const { amount, currencyCode } = input.debitAmount;
  if (toMicros(amount) <= 0n) {
    return failure(
      userError(
        ['debitInput', 'debitAmount', 'amount'],
        'A positive amount must be used to debit a store credit account.',
        'NEGATIVE_OR_ZERO_AMOUNT',
      ),
    );
  }
  const resolved = resolveTarget(ctx, id, currencyCode, ['debitInput', 'debitAmount', 'currencyCode']);
  if ('error' in resolved)
    return failure(
      resolved.error.code === 'OWNER_NOT_FOUND'
        ? userError(['id'], 'Store credit account does not exist', 'ACCOUNT_NOT_FOUND')
        : resolved.error,
    );
  if (!('account' in resolved)) return failure(userError(['id'], 'Store credit account does not exist', 'ACCOUNT_NOT_FOUND'));
  const { account } = resolved;
  const balance = toMicros(accountBalance(ctx, account));
  if (toMicros(amount) > balance) {
    return failure(
      userError(
        ['debitInput', 'debitAmount', 'amount'],
        'The store credit account does not have sufficient funds to satisfy the request.',
        'INSUFFICIENT_FUNDS',
      ),
    );
  }
  const tx = {
    id: newGid(ctx, 'StoreCreditAccountDebitTransaction'),
    kind: 'debit' as const,
    amount: formatMicros(-toMicros(amount)),
    balanceAfter: formatMicros(balance - toMicros(amount)),
    createdAt: ctx.store.nowIso(),
    expiresAt: null,
  };
  account.transactions.push(tx);
  return { storeCreditAccountTransaction: creditTransactionView(ctx, account, tx), userErrors: [] };
}
