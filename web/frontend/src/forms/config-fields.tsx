// The config fields of each earn rule and reward type in the registry, as
// form inputs. The shapes are the domain's zod schemas
// (web/loyalty/domain/rules/*, rewards/*): a field listed here is a key of
// that type's config; the same parser checks them on both sides.
import { BlockStack, Text } from '@shopify/polaris';
import type { MessageKey } from '../i18n';
import { useI18n } from '../providers/I18nProvider';
import { CheckboxInput, IdListInput, MoneyInput, NumberInput, SelectInput, TextInput } from './fields';
import { getIn, type Form } from './useForm';

type Kind = 'number' | 'numberOrNone' | 'money' | 'moneyOrNone' | 'text' | 'boolean' | 'rounding' | 'ids' | 'appliesTo';
/** A config key, its input, and (when the key's usual label does not fit) its own label. */
type Field = [key: string, kind: Kind, label?: string];

const CODE_OPTIONS: Field[] = [
  ['minimumSubtotalMinor', 'money'],
  ['codeExpiresInDays', 'numberOrNone'],
  ['combinesWith.productDiscounts', 'boolean'],
  ['combinesWith.orderDiscounts', 'boolean'],
  ['combinesWith.shippingDiscounts', 'boolean'],
];

export const RULE_FIELDS: Record<string, Field[]> = {
  purchase: [
    ['rate', 'text'],
    ['rounding', 'rounding'],
    ['includeTax', 'boolean'],
    ['includeShipping', 'boolean'],
    ['includeTips', 'boolean'],
    ['includeGiftCards', 'boolean'],
    ['minimumOrderMinor', 'money'],
    ['excludedProductIds', 'ids'],
  ],
  'fixed-per-order': [
    ['points', 'number'],
    ['minimumOrderMinor', 'money'],
  ],
  signup: [['points', 'number']],
  birthday: [['points', 'number']],
  anniversary: [['pointsPerYear', 'number']],
  newsletter: [['points', 'number']],
  'custom-action': [
    ['name', 'text'],
    ['points', 'number'],
    ['limitPerMember', 'numberOrNone'],
  ],
  cashback: [
    ['percentage', 'text', 'cashbackPercentage'],
    ['minimumOrderMinor', 'money'],
    ['expiresInDays', 'numberOrNone'],
  ],
};

export const REWARD_FIELDS: Record<string, Field[]> = {
  'fixed-amount': [['pointsCost', 'number'], ['amountMinor', 'money'], ['appliesTo', 'appliesTo'], ...CODE_OPTIONS],
  percentage: [['pointsCost', 'number'], ['percentage', 'number'], ['appliesTo', 'appliesTo'], ...CODE_OPTIONS],
  'free-shipping': [['pointsCost', 'number'], ['maxShippingMinor', 'moneyOrNone'], ...CODE_OPTIONS],
  'free-product': [['pointsCost', 'number'], ['variantId', 'text'], ...CODE_OPTIONS],
  'points-slider': [
    ['pointsStep', 'number'],
    ['amountPerStepMinor', 'money'],
    ['minPoints', 'number'],
    ['maxPoints', 'number'],
    ['appliesTo', 'appliesTo'],
    ...CODE_OPTIONS,
  ],
  'store-credit': [
    ['pointsCost', 'number'],
    ['amountMinor', 'money'],
    ['expiresInDays', 'numberOrNone'],
  ],
  donation: [
    ['pointsCost', 'number'],
    ['amountMinor', 'money'],
    ['cause', 'text'],
  ],
};

/** A starting config a merchant adjusts: valid for every type. */
export const NEW_RULE_CONFIG: Record<string, Record<string, unknown>> = {
  purchase: {
    rate: '1',
    rounding: 'down',
    includeTax: false,
    includeShipping: false,
    includeTips: false,
    includeGiftCards: false,
    minimumOrderMinor: 0,
    excludedProductIds: [],
  },
  'fixed-per-order': { points: 50, minimumOrderMinor: 0 },
  signup: { points: 100 },
  birthday: { points: 100 },
  anniversary: { pointsPerYear: 100 },
  newsletter: { points: 50 },
  'custom-action': { name: '', points: 50, limitPerMember: 1 },
  cashback: { percentage: '5', minimumOrderMinor: 0, expiresInDays: null },
};

const codeDefaults = {
  minimumSubtotalMinor: 0,
  codeExpiresInDays: null,
  combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: false },
};
export const NEW_REWARD_CONFIG: Record<string, Record<string, unknown>> = {
  'fixed-amount': { pointsCost: 500, amountMinor: 500, appliesTo: { kind: 'all' }, ...codeDefaults },
  percentage: { pointsCost: 1000, percentage: 10, appliesTo: { kind: 'all' }, ...codeDefaults },
  'free-shipping': { pointsCost: 300, maxShippingMinor: null, ...codeDefaults },
  'free-product': { pointsCost: 1000, variantId: '', ...codeDefaults },
  'points-slider': {
    pointsStep: 100,
    amountPerStepMinor: 100,
    minPoints: 100,
    maxPoints: 2000,
    appliesTo: { kind: 'all' },
    ...codeDefaults,
  },
  'store-credit': { pointsCost: 1000, amountMinor: 1000, expiresInDays: null },
  donation: { pointsCost: 500, amountMinor: 500, cause: '' },
};

const labelKey = (key: string) => `Config.${key.replace('.', '_')}` as MessageKey;
const helpKey = (key: string) => `ConfigHelp.${key.replace('.', '_')}` as MessageKey;

/** The inputs of one type's config, under `config.` in `form`. */
export function ConfigFields<T>({ form, fields, currency, digits }: { form: Form<T>; fields: Field[]; currency: string; digits: number }) {
  const { t } = useI18n();
  const help = (key: string) => {
    const text = t(helpKey(key));
    return text === helpKey(key) ? undefined : text;
  };
  return (
    <BlockStack gap="300">
      {fields.map(([key, kind, label]) => {
        const path = `config.${key}`;
        const props = { form, path, label: t(labelKey(label ?? key)), helpText: help(label ?? key) };
        switch (kind) {
          case 'number':
            return <NumberInput key={key} {...props} />;
          case 'numberOrNone':
            return <NumberInput key={key} {...props} nullable />;
          case 'money':
            return <MoneyInput key={key} {...props} currency={currency} digits={digits} />;
          case 'moneyOrNone':
            return <MoneyInput key={key} {...props} currency={currency} digits={digits} nullable />;
          case 'text':
            return <TextInput key={key} {...props} />;
          case 'boolean':
            return <CheckboxInput key={key} {...props} />;
          case 'rounding':
            return (
              <SelectInput
                key={key}
                {...props}
                options={['down', 'nearest', 'up'].map((v) => ({ value: v, label: t(`Config.rounding_${v}` as MessageKey) }))}
              />
            );
          case 'ids':
            return <IdListInput key={key} {...props} />;
          case 'appliesTo': {
            const scope = String(getIn(form.value, `${path}.kind`) ?? 'all');
            return (
              <BlockStack key={key} gap="200">
                <SelectInput
                  form={form}
                  path={`${path}.kind`}
                  label={t('Config.appliesTo')}
                  options={['all', 'products', 'collections'].map((v) => ({ value: v, label: t(`Config.appliesTo_${v}` as MessageKey) }))}
                />
                {scope === 'products' ? (
                  <IdListInput form={form} path={`${path}.productIds`} label={t('Config.productIds')} helpText={t('ConfigHelp.ids')} />
                ) : null}
                {scope === 'collections' ? (
                  <IdListInput
                    form={form}
                    path={`${path}.collectionIds`}
                    label={t('Config.collectionIds')}
                    helpText={t('ConfigHelp.ids')}
                  />
                ) : null}
              </BlockStack>
            );
          }
        }
      })}
      {form.errors.config ? (
        <Text as="p" tone="critical">
          {form.errors.config}
        </Text>
      ) : null}
    </BlockStack>
  );
}
