/** @jsxImportSource preact */
// The block both targets render: the points the order earns (or would earn,
// for a buyer who joins) and the due CSAT/NPS question. It never blocks the
// page: while loading, and on any failure, it renders nothing.
import { useEffect, useState } from 'preact/hooks';
import { loadOrder, type OrderAnswer } from './api.js';
import { host } from './host.js';
import { SurveyCard } from './SurveyCard.js';

export type Channel = 'thank_you' | 'order_status';

const t = (key: string, options?: Record<string, string | number>) => host().i18n.translate(key, options);

function pointsLine(order: NonNullable<OrderAnswer['order']>): string {
  const count = order.points;
  if (!order.member) return t('earn.join', { count });
  if (order.status === 'earned') return t('earn.earned', { count });
  if (!order.availableAt) return t('earn.at_fulfilment', { count });
  const date = host().i18n.formatDate(new Date(order.availableAt), { dateStyle: 'long' });
  return t('earn.pending', { count, date });
}

export function RewardsBlock({ orderId, channel }: { orderId: () => string | undefined; channel: Channel }) {
  const id = orderId();
  const [data, setData] = useState<OrderAnswer | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    loadOrder(id, host().localization.language.value.isoCode).then(
      (answer) => live && setData(answer),
      () => undefined, // fails quietly: the buyer's page matters more than the block
    );
    return () => {
      live = false;
    };
  }, [id]);

  const showPoints = data?.order && data.order.points > 0;
  if (!data || !id || (!showPoints && !data.survey)) return null;
  return (
    <s-section heading={t('heading')}>
      <s-stack gap="base">
        {showPoints && <s-paragraph>{pointsLine(data.order!)}</s-paragraph>}
        {data.survey && <SurveyCard survey={data.survey} orderId={id} channel={channel} member={data.order?.member ?? false} />}
      </s-stack>
    </s-section>
  );
}
