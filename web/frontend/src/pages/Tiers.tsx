import { ComingSoonPage } from '../components/ComingSoonPage';

export default function Tiers() {
  return <ComingSoonPage section="Tiers" />;
}
