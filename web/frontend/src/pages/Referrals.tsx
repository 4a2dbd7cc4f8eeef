import { ComingSoonPage } from '../components/ComingSoonPage';

export default function Referrals() {
  return <ComingSoonPage section="Referrals" />;
}
