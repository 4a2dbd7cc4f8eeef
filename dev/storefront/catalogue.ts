// The development storefront's products: prices in hundredths of the unit,
// as Liquid has them. One product has variants at different prices.
export interface DevProduct {
  id: number;
  handle: string;
  title: string;
  description: string;
  colour: string;
  variants: Array<{ id: number; title: string; price: number }>;
}

export const CATALOGUE: DevProduct[] = [
  {
    id: 7001,
    handle: 'organic-cotton-tee',
    title: 'Organic cotton tee',
    description: 'A heavyweight tee in organic cotton, cut for every day.',
    colour: '#c8d6c1',
    variants: [{ id: 8001, title: 'Default', price: 2900 }],
  },
  {
    id: 7002,
    handle: 'merino-beanie',
    title: 'Merino beanie',
    description: 'Soft, warm and breathable merino wool.',
    colour: '#e0c9a6',
    variants: [{ id: 8002, title: 'Default', price: 3500 }],
  },
  {
    id: 7003,
    handle: 'canvas-tote',
    title: 'Canvas tote',
    description: 'Waxed canvas that carries a week of groceries.',
    colour: '#d9d2c3',
    variants: [{ id: 8003, title: 'Default', price: 1800 }],
  },
  {
    id: 7004,
    handle: 'rain-jacket',
    title: 'Rain jacket',
    description: 'Fully taped seams and a hood that stays put in the wind.',
    colour: '#9fb4c7',
    variants: [
      { id: 8004, title: 'Regular', price: 12900 },
      { id: 8005, title: 'Long', price: 14900 },
    ],
  },
  {
    id: 7005,
    handle: 'wool-socks',
    title: 'Wool socks (3 pairs)',
    description: 'Cushioned wool socks for cold mornings.',
    colour: '#c9b3c4',
    variants: [{ id: 8006, title: 'Default', price: 2400 }],
  },
];

/** The Liquid `product` object, as far as the theme and the extension read it. */
export function liquidProduct(p: DevProduct) {
  const prices = p.variants.map((v) => v.price);
  const first = p.variants[0]!;
  return {
    id: p.id,
    handle: p.handle,
    title: p.title,
    description: p.description,
    colour: p.colour,
    url: `/dev/storefront/products/${p.handle}`,
    price: Math.min(...prices),
    price_min: Math.min(...prices),
    price_max: Math.max(...prices),
    price_varies: new Set(prices).size > 1,
    variants: p.variants,
    selected_or_first_available_variant: first,
  };
}
