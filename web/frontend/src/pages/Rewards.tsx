import { ComingSoonPage } from '../components/ComingSoonPage';

export default function Rewards() {
  return <ComingSoonPage section="Rewards" />;
}
